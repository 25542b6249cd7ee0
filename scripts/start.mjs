#!/usr/bin/env node
// `npm start`: install if needed, build, and serve the app on PORT (3000).
// With no configuration this is the demo: embedded database, in-process worker, and (once GitLab
// sign-in is configured or the demo sandbox is enabled) a GitLab to talk to.
// SKIP_BUILD=1 serves an existing build (production images build once).
import { spawnSync, spawn } from "node:child_process";
import { ensureDependencies } from "./ensure-deps.mjs";

ensureDependencies();
if (process.env.SKIP_BUILD !== "1") {
  const build = spawnSync("npx", ["next", "build"], { stdio: "inherit" });
  if (build.status !== 0) process.exit(build.status ?? 1);
}
const port = process.env.PORT ?? "3000";
// The demo (same rule as DEMO_MODE in lib/env.ts) has a well-known password and a GitLab stand-in:
// it listens on loopback only unless LISTEN_HOST says otherwise. A deployment listens on every interface (Next's default).
const set = (name) => (process.env[name] ?? "") !== "";
const demoMode = process.env.DEMO_MODE === "on" || ((process.env.DEMO_MODE ?? "auto") === "auto" && !set("DATABASE_URL") && !set("GITLAB_CLIENT_ID"));
const host = process.env.LISTEN_HOST || (demoMode ? "127.0.0.1" : "");
const child = spawn("npx", ["next", "start", "-p", port, ...(host ? ["-H", host] : [])], { stdio: "inherit" });
for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => child.kill(sig));
child.on("exit", (code) => process.exit(code ?? 0));
