import crypto from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { DbHandle } from "@/db/client";
import { secrets, type User } from "@/db/schema";
import { resetEnvForTests } from "@/lib/env";
import { createTestDatabase, type TestDatabase } from "@/lib/testing/db";
import { getUserById } from "@/lib/users/queries";
import { appendEvent, listEvents } from "./events";
import { getConversation } from "./queries";
import { transitionStatus } from "./status";
import { insertConversation, insertUser, readSse } from "./testing/fixtures";

// Route handlers and server actions run as "the signed-in user" of this test, on its database.
const state = vi.hoisted(() => ({ handle: null as DbHandle | null, user: null as User | null }));
vi.mock("@/db", () => ({ getDb: async () => state.handle }));
vi.mock("@/lib/auth/current-user", () => ({ currentUser: async () => state.user }));
vi.mock("next/cache", () => ({ revalidatePath: () => undefined }));

const { GET: eventsRoute } = await import("@/app/api/conversations/[id]/events/route");
const { sendFollowUpAction } = await import("@/app/actions/send-follow-up");
const { cancelConversationAction } = await import("@/app/actions/cancel-conversation");
const { pushBranchAction } = await import("@/app/actions/push-branch");
const { openMergeRequestAction } = await import("@/app/actions/open-merge-request");
const { createSecretAction } = await import("@/app/actions/create-secret");
const { updateSecretAction } = await import("@/app/actions/update-secret");
const { deleteSecretAction } = await import("@/app/actions/delete-secret");
const { createApiKeyAction } = await import("@/app/actions/create-api-key");
const { revokeApiKeyAction } = await import("@/app/actions/revoke-api-key");
const { deleteApiKeyAction } = await import("@/app/actions/delete-api-key");
const { listApiKeys } = await import("@/lib/api-keys/keys");
const { getAgentSecrets, listSecrets } = await import("@/lib/secrets/queries");

let tdb: TestDatabase;
let userA: User;
let userB: User;
const saved = { ENCRYPTION_KEY: process.env.ENCRYPTION_KEY, AUTH_SECRET: process.env.AUTH_SECRET, DEMO_MODE: process.env.DEMO_MODE, AGENT_RUNTIME: process.env.AGENT_RUNTIME };

beforeAll(async () => {
  Object.assign(process.env, { ENCRYPTION_KEY: crypto.randomBytes(32).toString("base64"), AUTH_SECRET: crypto.randomBytes(32).toString("base64"), DEMO_MODE: "off", AGENT_RUNTIME: "scripted" });
  resetEnvForTests();
  tdb = await createTestDatabase();
  state.handle = tdb.handle;
  const db = tdb.handle.db;
  userA = (await getUserById(db, await insertUser(db, "Ada")))!;
  userB = (await getUserById(db, await insertUser(db, "Bob")))!;
});

afterAll(async () => {
  await tdb?.close();
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  resetEnvForTests();
});

const form = (fields: Record<string, string>) => {
  const f = new FormData();
  for (const [k, v] of Object.entries(fields)) f.set(k, v);
  return f;
};
const idle = { status: "idle" as const };
const eventsRequest = (id: string) => eventsRoute(new Request(`http://app.test/api/conversations/${id}/events`), { params: Promise.resolve({ id }) });

describe("another user's conversation is a 404 everywhere", () => {
  it("page query, events stream and every action", async () => {
    const db = tdb.handle.db;
    const c = await insertConversation(db, userA.id);
    await appendEvent(db, c.id, { kind: "user_message", text: "create file a.txt with content a" });
    await transitionStatus(db, c.id, "starting");
    await transitionStatus(db, c.id, "running");

    state.user = userB;
    expect(await getConversation(db, { id: c.id, userId: userB.id })).toBeNull();
    const res = await eventsRequest(c.id);
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: { code: "conversation_not_found", message: "This conversation does not exist." } });
    expect((await eventsRequest("not-a-uuid")).status).toBe(404);
    for (const action of [sendFollowUpAction, cancelConversationAction, pushBranchAction, openMergeRequestAction]) {
      const result = await action(idle, form({ conversationId: c.id, message: "take over" }));
      expect(result).toMatchObject({ status: "error", code: "conversation_not_found", message: "This conversation does not exist." });
    }
    // Nothing happened to A's conversation.
    const after = await getConversation(db, { id: c.id, userId: userA.id });
    expect(after).toMatchObject({ status: "running", cancelRequestedAt: null });
    expect((await listEvents(db, c.id)).filter((e) => e.event.kind === "user_message")).toHaveLength(1);

    state.user = null;
    expect((await eventsRequest(c.id)).status).toBe(401);
    // Every action answers a visitor without a session with a state, not an error page.
    for (const action of [sendFollowUpAction, cancelConversationAction, pushBranchAction, openMergeRequestAction]) {
      expect(await action(idle, form({ conversationId: c.id, message: "take over" }))).toMatchObject({ status: "error", code: "unauthenticated" });
    }
  });

  it("the owner gets the stream as text/event-stream, ending after the terminal status", async () => {
    const db = tdb.handle.db;
    const c = await insertConversation(db, userA.id);
    await appendEvent(db, c.id, { kind: "user_message", text: "answer: 42" });
    await transitionStatus(db, c.id, "cancelled");
    state.user = userA;
    const res = await eventsRequest(c.id);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/event-stream; charset=utf-8");
    const msgs = [];
    for await (const m of readSse(res.body!)) msgs.push(m);
    expect(msgs.map((m) => m.id ?? m.event)).toEqual(["1", "2", "end"]);
  });
});

describe("Settings › Secrets", () => {
  it("creates, refuses bad or duplicate names, stores values encrypted, and never shows them", async () => {
    const db = tdb.handle.db;
    state.user = userA;
    const value = `glpat-${crypto.randomBytes(12).toString("hex")}`;
    expect(await createSecretAction(idle, form({ name: "GITLAB_TOKEN", value, description: "read-only token" }))).toMatchObject({ status: "success" });
    const dup = await createSecretAction(idle, form({ name: "GITLAB_TOKEN", value: "other" }));
    expect(dup).toMatchObject({ status: "error", message: "A secret named GITLAB_TOKEN already exists. Update its value instead." });
    expect(dup.fieldErrors?.name).toBeDefined();
    for (const name of ["1ABC", "MY-KEY", "HAS SPACE", "PATH", "HOME", "x".repeat(101), ""]) {
      const r = await createSecretAction(idle, form({ name, value: "v" }));
      expect(r.status, name).toBe("error");
      expect(r.fieldErrors?.name, name).toBeDefined();
    }
    expect((await createSecretAction(idle, form({ name: "NO_VALUE", value: "" }))).fieldErrors?.value).toBeDefined();

    const dump = JSON.stringify(await db.select().from(secrets));
    expect(dump).not.toContain(value);
    const listed = await listSecrets(db, userA.id);
    expect(listed.map((s) => s.name)).toEqual(["GITLAB_TOKEN"]);
    expect(JSON.stringify(listed)).not.toContain(value);
    expect(await getAgentSecrets(db, userA.id)).toEqual({ GITLAB_TOKEN: value });

    // Update: a new value, or only the description (an empty value keeps the old one).
    const id = listed[0]!.id;
    expect(await updateSecretAction(idle, form({ id, value: "", description: "still read-only" }))).toMatchObject({ status: "success" });
    expect(await getAgentSecrets(db, userA.id)).toEqual({ GITLAB_TOKEN: value });
    expect(await updateSecretAction(idle, form({ id, value: "new-value-123", description: "" }))).toMatchObject({ status: "success" });
    expect(await getAgentSecrets(db, userA.id)).toEqual({ GITLAB_TOKEN: "new-value-123" });

    // A ciphertext moved to another user's row does not decrypt there (AAD binds user and name).
    const [row] = await db.select().from(secrets);
    await db.insert(secrets).values({ userId: userB.id, name: "GITLAB_TOKEN", valueEnc: row!.valueEnc });
    expect(await getAgentSecrets(db, userB.id)).toEqual({});
  });

  it("user B cannot update or delete user A's secret", async () => {
    const db = tdb.handle.db;
    const [secretOfA] = await listSecrets(db, userA.id);
    state.user = userB;
    const notFound = { status: "error", code: "secret_not_found", message: "This secret does not exist." };
    expect(await updateSecretAction(idle, form({ id: secretOfA!.id, value: "hijacked", description: "" }))).toEqual(notFound);
    expect(await deleteSecretAction(idle, form({ id: secretOfA!.id }))).toEqual(notFound);
    expect(await getAgentSecrets(db, userA.id)).toEqual({ GITLAB_TOKEN: "new-value-123" });

    state.user = userA;
    expect(await deleteSecretAction(idle, form({ id: secretOfA!.id }))).toMatchObject({ status: "success" });
    expect(await listSecrets(db, userA.id)).toEqual([]);
    expect(await deleteSecretAction(idle, form({ id: secretOfA!.id }))).toMatchObject({ status: "error" });
  });
});

describe("Settings › API keys", () => {
  it("user B cannot revoke or delete user A's key; A can, through the same actions", async () => {
    const db = tdb.handle.db;
    state.user = userA;
    const created = await createApiKeyAction(idle, form({ name: "CI", expiresInDays: "" }));
    expect(created).toMatchObject({ status: "success", message: 'Created "CI".', created: { name: "CI", expiresAt: null } });
    const keyOfA = created.created!;
    expect(keyOfA.token).toMatch(/^ohk_/);
    expect(await createApiKeyAction(idle, form({ name: " ", expiresInDays: "0" }))).toMatchObject({ status: "error", fieldErrors: { name: ["Give the key a name"], expiresInDays: ["Choose at least 1 day"] } });

    state.user = userB;
    expect(await revokeApiKeyAction(idle, form({ id: keyOfA.id }))).toEqual({ status: "error", code: "api_key_not_found", message: "That key does not exist." });
    expect(await deleteApiKeyAction(idle, form({ id: keyOfA.id }))).toMatchObject({ status: "error", code: "api_key_not_found" });
    expect(await revokeApiKeyAction(idle, form({ id: "not-a-uuid" }))).toMatchObject({ status: "error", message: "That key does not exist.", fieldErrors: { id: ["Unknown key"] } });
    expect((await listApiKeys(db, userA.id)).map((k) => k.status)).toEqual(["active"]);

    state.user = userA;
    // An active key must be revoked before it can be deleted.
    expect(await deleteApiKeyAction(idle, form({ id: keyOfA.id }))).toMatchObject({ status: "error", message: "Only a revoked or expired key of yours can be deleted. Revoke it first." });
    expect(await revokeApiKeyAction(idle, form({ id: keyOfA.id }))).toEqual({ status: "success", message: 'Revoked "CI". Requests with it are refused from now on.' });
    state.user = userB;
    expect(await deleteApiKeyAction(idle, form({ id: keyOfA.id }))).toMatchObject({ status: "error", code: "api_key_not_found" });
    expect((await listApiKeys(db, userA.id)).map((k) => k.status)).toEqual(["revoked"]);
    state.user = userA;
    expect(await deleteApiKeyAction(idle, form({ id: keyOfA.id }))).toEqual({ status: "success", message: 'Deleted "CI".' });
    expect(await listApiKeys(db, userA.id)).toEqual([]);

    state.user = null;
    expect(await createApiKeyAction(idle, form({ name: "x" }))).toMatchObject({ status: "error", code: "unauthenticated" });
  });
});
