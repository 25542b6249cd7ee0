import { z } from "zod";
import { startSandbox, type Sandbox, type SeedInput, type StartSandboxOptions } from "@gitlab-agent/gitlab-sandbox";
import type { GitLabOAuthConfig } from "../oauth";

/**
 * Test helper: an in-process GitLab sandbox with an OAuth application registered the way the app
 * registers it, plus typed calls to the sandbox's control API (/-/sandbox/…).
 */
export interface SandboxFixture {
  sandbox: Sandbox;
  oauth: GitLabOAuthConfig;
  /** POST to the control API; returns the parsed JSON */
  control(path: string, body?: unknown): Promise<unknown>;
  /** how many requests reached `routeKey` (e.g. "POST /oauth/token") since the last resetStats() */
  count(routeKey: string): Promise<number>;
  resetStats(): Promise<void>;
  close(): Promise<void>;
}

export const TEST_REDIRECT_URI = "http://127.0.0.1:3999/api/auth/callback/gitlab";
const statsSchema = z.object({ by_route: z.record(z.string(), z.number()) });

export async function startSandboxFixture(seed: SeedInput = {}, opts: StartSandboxOptions = {}): Promise<SandboxFixture> {
  const sandbox = await startSandbox({ port: 0, ...opts });
  try {
    const seeded = await sandbox.seed({
      ...seed,
      oauth_applications: [
        { name: "GitLab Agent (tests)", redirect_uri: TEST_REDIRECT_URI, scopes: "api read_user read_repository write_repository", confidential: true },
      ],
    });
    const app = seeded.oauth_applications[0];
    if (!app) throw new Error("sandbox fixture: no OAuth application was seeded");
    const oauth = { baseUrl: sandbox.url, clientId: app.uid, clientSecret: app.secret, redirectUri: TEST_REDIRECT_URI };
    const control = async (path: string, body?: unknown): Promise<unknown> => {
      const res = await fetch(`${sandbox.url}/-/sandbox/${path.replace(/^\//, "")}`, {
        method: body === undefined ? "GET" : "POST",
        headers: { "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const json: unknown = await res.json();
      if (!res.ok) throw new Error(`sandbox control ${path} answered ${res.status}: ${JSON.stringify(json)}`);
      return json;
    };
    return {
      sandbox,
      oauth,
      control,
      async count(routeKey) {
        return statsSchema.parse(await control("stats")).by_route[routeKey] ?? 0;
      },
      async resetStats() {
        await control("stats/reset", {});
      },
      close: () => sandbox.close(),
    };
  } catch (err) {
    await sandbox.close();
    throw err;
  }
}
