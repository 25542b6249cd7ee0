// Start-up overhead of the agent sandbox (issue 12): the same trivial agent (`/bin/sh -c "echo ok"`
// in a small git checkout) started RUNS times unconfined (spawnGroup) and RUNS times sandboxed
// (spawnSandboxed: bubblewrap, the per-run proxy and socat relay, limits, chown of the checkout when
// root), interleaved in this one process. Reports p50/p95 of each and of the per-pair difference,
// against the target of 300 ms added at p95. Prints one JSON line. Usage: npx tsx bench/agent-sandbox-startup.ts
import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawnGroup } from "@/lib/agent/process-group";
import { spawnSandboxed } from "@/lib/agent/sandbox";

const RUNS = Number(process.env.BENCH_RUNS ?? 40);
const TARGET_P95_MS = 300;

function pct(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0);
}

async function main(): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), "bench-sandbox-"));
  process.env.AGENT_WORK_ROOT = join(root, "work");
  const checkout = join(root, "repo");
  await mkdir(join(checkout, "src"), { recursive: true });
  for (let i = 0; i < 50; i++) await writeFile(join(checkout, "src", `f${i}.ts`), `export const x${i} = ${i};\n`);
  execFileSync("git", ["init", "-q", checkout]);
  const home = join(root, "home");
  await mkdir(home);
  const env = { PATH: "/usr/bin:/bin", HOME: home };
  const argv = ["/bin/sh", "-c", "echo ok"];
  const quiet = { onStdout: () => undefined, onStderr: () => undefined };

  const unconfined = async (): Promise<number> => {
    const t0 = performance.now();
    const p = spawnGroup(argv[0] ?? "", argv.slice(1), { cwd: checkout, env, ...quiet });
    const { code } = await p.done;
    if (code !== 0) throw new Error(`unconfined run exited ${code}`);
    return performance.now() - t0;
  };
  const sandboxed = async (): Promise<number> => {
    const t0 = performance.now();
    const p = await spawnSandboxed(argv, { cwd: checkout, checkout, env, network: { allow: [] }, ...quiet });
    const { code } = await p.done;
    if (code !== 0) throw new Error(`sandboxed run exited ${code}`);
    return performance.now() - t0;
  };

  // Warm-up (the availability probe is cached per process; file caches).
  await unconfined();
  await sandboxed();
  const plain: number[] = [];
  const boxed: number[] = [];
  const added: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const a = await unconfined();
    const b = await sandboxed();
    plain.push(a);
    boxed.push(b);
    added.push(b - a);
  }
  await rm(root, { recursive: true, force: true });
  const result = {
    bench: "agent-sandbox-startup",
    runs: RUNS,
    unconfined_ms: { p50: pct(plain, 50), p95: pct(plain, 95) },
    sandboxed_ms: { p50: pct(boxed, 50), p95: pct(boxed, 95) },
    added_ms: { p50: pct(added, 50), p95: pct(added, 95) },
    target_added_p95_ms: TARGET_P95_MS,
    ok: pct(added, 95) <= TARGET_P95_MS,
  };
  console.log(JSON.stringify(result));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
