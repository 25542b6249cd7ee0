import crypto from "node:crypto";
import type { Hook, SeedInput } from "@gitlab-agent/gitlab-sandbox";
import type { Database } from "@/db/client";
import { createCipherKit, type CipherKit } from "@/lib/crypto";
import { connectUser } from "@/lib/gitlab/testing/connected-user";
import type { SandboxFixture } from "@/lib/gitlab/testing/sandbox-fixture";
import { openHookSession, type HookSession } from "../session";

/**
 * Test world for webhook management: "olga" owns the Premium group `acme` (with a subgroup), the
 * Free group `freeco` (3 projects) and personal projects; "dev" is only a Developer on `acme` and
 * on olga's first personal project, and owns nothing.
 */
export const PASSWORD = "correct-horse-battery";
export const APP_URL = "https://agent.example.test";
export const HOOK_URL = `${APP_URL}/api/gitlab/webhook`;

export function hooksSeed(personalProjects = 5): SeedInput {
  const projects: NonNullable<SeedInput["projects"]> = [];
  for (let i = 1; i <= personalProjects; i++) projects.push({ namespace: "olga", path: `tool-${i}`, members: i === 1 ? [{ username: "dev", access_level: 30 }] : [] });
  for (let i = 1; i <= 3; i++) projects.push({ namespace: "freeco", path: `shop-${i}` });
  projects.push({ namespace: "acme", path: "webapp" }, { namespace: "acme/platform", path: "api" });
  return {
    users: [
      { username: "olga", password: PASSWORD },
      { username: "dev", password: PASSWORD },
    ],
    groups: [
      { path: "acme", name: "Acme", tier: "premium", members: [{ username: "olga", access_level: 50 }, { username: "dev", access_level: 30 }] },
      { path: "platform", parent: "acme", tier: "premium" },
      { path: "freeco", name: "FreeCo", tier: "free", members: [{ username: "olga", access_level: 50 }] },
    ],
    projects,
  };
}

export const testCipher: CipherKit = createCipherKit({ current: crypto.randomBytes(32).toString("base64") });

export async function connect(db: Database, gl: SandboxFixture, username: string, cipher: CipherKit = testCipher): Promise<{ userId: string; session: () => Promise<HookSession> }> {
  const { userId } = await connectUser(db, gl.oauth, { username, password: PASSWORD }, { cipher });
  return { userId, session: () => openHookSession(db, userId, { oauth: gl.oauth, cipher, maxWaitSeconds: 5 }) };
}

/** Our hooks (by URL) on a project or group, read straight from the sandbox's store. */
export function ourHooks(gl: SandboxFixture, kind: "project" | "group", fullPath: string): Hook[] {
  const { store } = gl.sandbox;
  const owner = kind === "project" ? store.findProject(fullPath) : store.findGroup(fullPath);
  if (!owner) throw new Error(`no ${kind} ${fullPath} in the sandbox`);
  return [...store.hooks.values()].filter((h) => h.kind === kind && (kind === "project" ? h.projectId : h.groupId) === owner.id && h.url === HOOK_URL);
}

export function resourceId(gl: SandboxFixture, kind: "project" | "group", fullPath: string): number {
  const owner = kind === "project" ? gl.sandbox.store.findProject(fullPath) : gl.sandbox.store.findGroup(fullPath);
  if (!owner) throw new Error(`no ${kind} ${fullPath} in the sandbox`);
  return owner.id;
}

/** Creates a hook directly through the API as `username` (to test adoption and dedupe). */
export async function createHookAs(gl: SandboxFixture, username: string, kind: "projects" | "groups", id: number, url = HOOK_URL): Promise<number> {
  const issued = (await gl.control("oauth/tokens", { username, scopes: ["api"] })) as { access_token: string };
  const accessToken = issued.access_token;
  const res = await fetch(`${gl.sandbox.url}/api/v4/${kind}/${id}/hooks`, {
    method: "POST",
    headers: { authorization: `Bearer ${accessToken}`, "content-type": "application/json" },
    body: JSON.stringify({ url, token: "someone-elses-secret", issues_events: true, push_events: true }),
  });
  if (res.status !== 201) throw new Error(`creating a hook answered ${res.status}: ${await res.text()}`);
  return ((await res.json()) as { id: number }).id;
}
