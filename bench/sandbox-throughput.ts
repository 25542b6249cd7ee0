// Throughput of the GitLab sandbox on simple authenticated GETs (GET /api/v4/user and
// GET /api/v4/projects/:id), so it is never the bottleneck of the app's own benchmarks.
// The sandbox runs in a child process (its own event loop, as in the app's benchmarks); this process
// drives a bounded load: CONCURRENCY keep-alive clients for DURATION_MS or MAX_REQUESTS, whichever
// comes first. Prints one JSON line. Usage: npx tsx bench/sandbox-throughput.ts
import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { Agent, request } from "node:http";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";

const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 20);
const DURATION_MS = Number(process.env.BENCH_DURATION_MS ?? 5000);
const MAX_REQUESTS = Number(process.env.BENCH_MAX_REQUESTS ?? 200_000);
const WARMUP_MS = 500;
const TOKEN = "glpat-benchmarktoken00000";

async function startChild(seedFile: string): Promise<{ url: string; stop(): Promise<void> }> {
  const cli = createRequire(import.meta.url).resolve("@gitlab-agent/gitlab-sandbox/cli");
  const tsx = join(import.meta.dirname, "..", "node_modules", "tsx", "dist", "cli.mjs");
  const child = spawn(process.execPath, [tsx, cli, "--port", "0", "--seed", seedFile], { stdio: ["ignore", "pipe", "inherit"] });
  const url = await new Promise<string>((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error("sandbox did not start in 30 s")), 30_000);
    child.stdout.on("data", (c: Buffer) => {
      out += c.toString();
      const line = out.split("\n")[0];
      if (out.includes("\n") && line) {
        clearTimeout(timer);
        resolve((JSON.parse(line) as { url: string }).url);
      }
    });
    child.once("exit", (code) => reject(new Error(`sandbox exited early (${code})`)));
  });
  return {
    url,
    stop: () => new Promise<void>((resolve) => {
      child.once("exit", () => resolve());
      child.kill("SIGTERM");
      setTimeout(() => child.kill("SIGKILL"), 5000).unref();
    }),
  };
}

function get(agent: Agent, url: URL): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent, headers: { "PRIVATE-TOKEN": TOKEN } }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
    });
    req.on("error", reject);
    req.end();
  });
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "sandbox-bench-"));
  const seedFile = join(dir, "seed.json");
  const projects = Array.from({ length: 200 }, (_, i) => ({ namespace: "bench", path: `project-${i}` }));
  await writeFile(seedFile, JSON.stringify({ users: [{ username: "bench", personal_access_tokens: [{ name: "bench", scopes: ["api"], token: TOKEN }] }], projects }));
  const sandbox = await startChild(seedFile);
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  try {
    const first = await fetch(`${sandbox.url}/api/v4/projects?per_page=1`, { headers: { "PRIVATE-TOKEN": TOKEN } });
    const [project] = (await first.json()) as { id: number }[];
    if (!project) throw new Error("seed failed");
    const targets = [new URL(`${sandbox.url}/api/v4/user`), new URL(`${sandbox.url}/api/v4/projects/${project.id}`)];

    const latencies: number[] = [];
    let errors = 0;
    let issued = 0;
    const warmupEnd = Date.now() + WARMUP_MS;
    const end = warmupEnd + DURATION_MS;
    let measuredStart = 0;
    const worker = async (w: number): Promise<void> => {
      for (let i = w; Date.now() < end && issued < MAX_REQUESTS; i++) {
        const t0 = performance.now();
        const status = await get(agent, targets[i % targets.length]!);
        const now = Date.now();
        if (now < warmupEnd) continue;
        if (measuredStart === 0) measuredStart = now;
        issued++;
        latencies.push(performance.now() - t0);
        if (status !== 200) errors++;
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, (_, w) => worker(w)));
    const seconds = (Date.now() - measuredStart) / 1000;
    latencies.sort((a, b) => a - b);
    const round = (n: number): number => Math.round(n * 100) / 100;
    process.stdout.write(`${JSON.stringify({
      benchmark: "sandbox-throughput", concurrency: CONCURRENCY, requests: latencies.length, errors, duration_s: round(seconds),
      rps: Math.round(latencies.length / seconds), p50_ms: round(percentile(latencies, 50)), p99_ms: round(percentile(latencies, 99)),
      endpoints: ["GET /api/v4/user", "GET /api/v4/projects/:id"],
    })}\n`);
  } finally {
    agent.destroy();
    await sandbox.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
