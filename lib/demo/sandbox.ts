import { z } from "zod";
import { getEnv } from "@/lib/env";
import { log } from "@/lib/log";
import { demoSeed, DEMO_BRANCHES, DEMO_USER } from "./seed-data";

export interface DemoGitLab {
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  username: string;
  password: string;
}

const seedResult = z.object({
  oauth_applications: z.array(z.object({ uid: z.string(), secret: z.string() })).min(1),
});

const key = Symbol.for("gitlab-agent.demo-sandbox");
type G = typeof globalThis & { [key]?: Promise<DemoGitLab> };

/**
 * Demo mode: the built-in GitLab sandbox runs inside this process on DEMO_SANDBOX_PORT, seeded with
 * a user, two projects and an OAuth application. Its state is in memory, so every start seeds it
 * afresh; ids are deterministic, so the app's rows still match the same demo user.
 *
 * The sandbox is imported lazily (not to break a cycle): a deployment that is not a demo never loads
 * the test stand-in at all.
 */
export function startDemoGitLab(): Promise<DemoGitLab> {
  const g = globalThis as G;
  g[key] ??= (async () => {
    const env = getEnv();
    const { startSandbox } = await import("@gitlab-agent/gitlab-sandbox");
    const sandbox = await startSandbox({ port: env.DEMO_SANDBOX_PORT, host: "127.0.0.1" });
    const res = await fetch(`${sandbox.url}/-/sandbox/seed`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(demoSeed(env.APP_URL)),
    });
    if (!res.ok) throw new Error(`demo sandbox seed failed: ${res.status} ${await res.text()}`);
    const seeded = seedResult.parse(await res.json());
    for (const b of DEMO_BRANCHES) await sandbox.createBranch(b.project, b.branch, b.ref);
    const app = seeded.oauth_applications[0]!;
    log.info("demo GitLab sandbox ready", { url: sandbox.url });
    return { baseUrl: sandbox.url, clientId: app.uid, clientSecret: app.secret, username: DEMO_USER.username, password: DEMO_USER.password };
  })().catch((err: unknown) => {
    delete g[key];
    throw err;
  });
  return g[key];
}
