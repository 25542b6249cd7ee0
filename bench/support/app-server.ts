// Shared by the app benchmarks (ingest, ack): a throwaway Postgres database, the production build
// served by `next start` on a loopback port, and small load-generation helpers. Everything started
// here is stopped by the returned close functions; nothing outlives the benchmark.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import { createServer } from "node:net";
import path from "node:path";
import postgres from "postgres";
import { openDatabase, type DbHandle } from "@/db/client";

export const ROOT = path.resolve(import.meta.dirname, "..", "..");

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const v = sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
  return Math.round(v * 100) / 100;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/** A fresh database next to BENCH_DATABASE_URL (or TEST_DATABASE_URL), migrated; dropped by close(). */
export type PostgresHandle = Extract<DbHandle, { kind: "postgres" }>;

export async function createBenchDatabase(): Promise<{ url: string; handle: PostgresHandle; close(): Promise<void> }> {
  const base = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
  if (!base) throw new Error("The benchmark needs a real Postgres: set BENCH_DATABASE_URL (or TEST_DATABASE_URL), e.g. postgres://postgres@127.0.0.1:5432/postgres");
  const name = `bench_${crypto.randomBytes(5).toString("hex")}`;
  const admin = postgres(base, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(base);
  url.pathname = `/${name}`;
  const handle = await openDatabase({ url: url.toString(), migrate: true, max: 4 });
  if (handle.kind !== "postgres") throw new Error("expected a Postgres handle");
  return {
    url: url.toString(),
    handle,
    async close() {
      await handle.close().catch(() => undefined);
      await admin.unsafe(`drop database if exists ${name} with (force)`).catch(() => undefined);
      await admin.end({ timeout: 5 });
    },
  };
}

/** The production build must contain the routes we measure; build once when it does not. */
export function ensureBuild(routes: string[]): "reused" | "built" {
  const missing = routes.filter((r) => !fs.existsSync(path.join(ROOT, ".next", "server", "app", r)));
  if (fs.existsSync(path.join(ROOT, ".next", "BUILD_ID")) && missing.length === 0 && process.env.BENCH_BUILD !== "1") return "reused";
  process.stderr.write("bench: building the app (next build)…\n");
  const res = spawnSync(process.execPath, [path.join(ROOT, "node_modules", "next", "dist", "bin", "next"), "build"], { cwd: ROOT, stdio: ["ignore", "inherit", "inherit"], timeout: 10 * 60_000 });
  if (res.status !== 0) throw new Error(`next build failed (${res.status})`);
  return "built";
}

export interface NextServer {
  url: string;
  child: ChildProcess;
  close(): Promise<void>;
}

/** `next start` on 127.0.0.1 with the given environment; resolves once /api/health answers. */
export async function startNext(env: Record<string, string>, port?: number): Promise<NextServer> {
  port ??= await freePort();
  const child = spawn(process.execPath, [path.join(ROOT, "node_modules", "next", "dist", "bin", "next"), "start", "-p", String(port), "-H", "127.0.0.1"], {
    cwd: ROOT,
    env: { ...process.env, NODE_ENV: "production", LOG_LEVEL: "warn", ...env },
    stdio: ["ignore", "ignore", "inherit"],
    detached: true,
  });
  const url = `http://127.0.0.1:${port}`;
  const close = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.pid === undefined) return resolve();
      child.once("exit", () => resolve());
      try {
        process.kill(-child.pid, "SIGTERM");
      } catch {
        resolve();
      }
      setTimeout(() => {
        try {
          if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
        } catch {
          // already gone
        }
      }, 5_000).unref();
    });
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`next start exited with ${child.exitCode}`);
    try {
      const res = await fetch(`${url}/api/health`);
      if (res.status === 200) return { url, child, close };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  await close();
  throw new Error("next start did not become healthy in 60 s");
}

export const randomKey = (): string => crypto.randomBytes(32).toString("base64");
