import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { revokeApiKey, createApiKey, listApiKeys } from "@/lib/api-keys/keys";
import { readSse } from "@/lib/conversations/testing/fixtures";
import type { ConversationResource } from "./schemas";
import { startApiHarness, type ApiHarness } from "./testing/api-harness";
import { responseValidator, validateOpenApiDocument } from "./testing/openapi-validator";
import { rawApiKeyRows } from "@/lib/api-keys/testing/queries";

/**
 * The Cloud API end to end, through HTTP semantics only: every step is a Request with an API key
 * handed to the route handlers. GitLab is the sandbox, the agent is the scripted one, the worker
 * runs in this process. The last test checks every response recorded here against openapi.json.
 */

type ErrorBody = { error: { code: string; message: string; details?: Record<string, string[]> } };
type EventsBody = { items: { seq: number; createdAt: string; event: { kind: string; [k: string]: unknown } }[]; nextAfter: number; status: string };
type ListBody = { items: ConversationResource[]; nextCursor: string | null };

let h: ApiHarness;

beforeAll(async () => {
  h = await startApiHarness();
}, 120_000);

afterAll(async () => {
  await h?.close();
}, 60_000);

/** Polls GET /conversations/:id until `done` holds (or fails after `timeoutMs`). */
async function pollConversation(id: string, done: (c: ConversationResource) => boolean, timeoutMs = 45_000): Promise<ConversationResource> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await h.api.get<ConversationResource>(`/conversations/${id}`, { key: h.dev.key });
    expect(res.status).toBe(200);
    if (done(res.body)) return res.body;
    if (Date.now() > deadline) throw new Error(`conversation ${id} is still ${res.body.status} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const terminal = (c: ConversationResource) => ["finished", "failed", "cancelled"].includes(c.status);

describe("Cloud API", () => {
  it("refuses requests without a valid key, with a code per reason", async () => {
    const missing = await h.api.get<ErrorBody>("/conversations");
    expect(missing.status).toBe(401);
    expect(missing.body.error.code).toBe("missing_api_key");
    expect(missing.headers.get("www-authenticate")).toMatch(/^Bearer/);
    const invalid = await h.api.get<ErrorBody>("/conversations", { key: "ohk_not-a-real-key-at-all-000000000" });
    expect(invalid.status).toBe(401);
    expect(invalid.body.error.code).toBe("invalid_api_key");
  });

  it("rejects bad bodies with 422 naming the field, and non-JSON with 400", async () => {
    const empty = await h.api.post<ErrorBody>("/conversations", {}, { key: h.dev.key });
    expect(empty.status).toBe(422);
    expect(empty.body.error.code).toBe("validation_failed");
    expect(Object.keys(empty.body.error.details ?? {}).sort()).toEqual(["message", "repository"]);
    expect(empty.body.error.message).toMatch(/repository/);

    const blank = await h.api.post<ErrorBody>("/conversations", { repository: "acme/web-shop", message: "   " }, { key: h.dev.key });
    expect(blank.status).toBe(422);
    expect(blank.body.error.details).toEqual({ message: ["Write a message"] });

    const wrongType = await h.api.post<ErrorBody>("/conversations", { repository: "acme/web-shop", message: "hi", branch: 42 }, { key: h.dev.key });
    expect(wrongType.status).toBe(422);
    expect(Object.keys(wrongType.body.error.details ?? {})).toEqual(["branch"]);

    const notJson = await h.api.post<ErrorBody>("/conversations", "{not json", { key: h.dev.key });
    expect(notJson.status).toBe(400);
    expect(notJson.body.error.code).toBe("invalid_json");

    const badQuery = await h.api.get<ErrorBody>("/conversations?status=exploded&limit=0", { key: h.dev.key });
    expect(badQuery.status).toBe(422);
    expect(Object.keys(badQuery.body.error.details ?? {}).sort()).toEqual(["limit", "status"]);
  });

  it("answers 404 with a clear message for a repository or branch the key owner cannot see", async () => {
    const unknown = await h.api.post<ErrorBody>("/conversations", { repository: "acme/nope", message: "hi" }, { key: h.dev.key });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toMatchObject({ code: "repository_not_found", message: expect.stringContaining("acme/nope") });
    // Eve's private project exists, but not for dev.
    const foreign = await h.api.post<ErrorBody>("/conversations", { repository: "eve/secret-project", message: "hi" }, { key: h.dev.key });
    expect(foreign.status).toBe(404);
    expect(foreign.body.error.code).toBe("repository_not_found");
    const branch = await h.api.post<ErrorBody>("/conversations", { repository: "acme/web-shop", branch: "no-such-branch", message: "hi" }, { key: h.dev.key });
    expect(branch.status).toBe(404);
    expect(branch.body.error).toMatchObject({ code: "branch_not_found", message: expect.stringContaining("no-such-branch") });
  });

  let first: ConversationResource;
  let firstEventsCursor = 0;

  it("starts a conversation with the scripted agent, and it runs to `finished`", async () => {
    const created = await h.api.post<ConversationResource>(
      "/conversations",
      { repository: "acme/web-shop", message: "create file NOTES.md with content hello from the API" },
      { key: h.dev.key },
    );
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      id: expect.any(String),
      status: "queued",
      url: `http://127.0.0.1:3999/conversations/${created.body.id}`,
      trigger: "api",
      repository: { path: "acme/web-shop" },
      branch: "main",
    });
    expect(created.headers.get("location")).toBe(created.body.url);
    first = await pollConversation(created.body.id, terminal);
    expect(first.status).toBe("finished");
    expect(first.startedAt).not.toBeNull();
    expect(first.finishedAt).not.toBeNull();
    expect(first.summary).toEqual(expect.any(String));
  });

  it("reads the events as JSON, in order, and resumes after a seq", async () => {
    const all = await h.api.get<EventsBody>(`/conversations/${first.id}/events`, { key: h.dev.key });
    expect(all.status).toBe(200);
    const seqs = all.body.items.map((e) => e.seq);
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
    const kinds = all.body.items.map((e) => e.event.kind);
    expect(kinds[0]).toBe("user_message");
    expect(all.body.items[0]?.event).toMatchObject({ text: "create file NOTES.md with content hello from the API" });
    expect(all.body.items).toContainEqual(expect.objectContaining({ event: expect.objectContaining({ kind: "file_edit", path: "NOTES.md" }) }));
    expect(all.body.items.at(-1)?.event).toMatchObject({ kind: "status", status: "finished" });
    expect(all.body).toMatchObject({ status: "finished", nextAfter: seqs.at(-1) });
    firstEventsCursor = all.body.nextAfter;

    const tail = await h.api.get<EventsBody>(`/conversations/${first.id}/events?after=${firstEventsCursor - 2}`, { key: h.dev.key });
    expect(tail.body.items.map((e) => e.seq)).toEqual([firstEventsCursor - 1, firstEventsCursor]);
  });

  it("streams the same events as Server-Sent Events with Accept: text/event-stream", async () => {
    const res = await h.api.get(`/conversations/${first.id}/events?after=${firstEventsCursor - 2}`, {
      key: h.dev.key,
      headers: { accept: "text/event-stream" },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/event-stream/);
    // The conversation is finished, so the stream replays what is after `after`, says `end` and closes.
    const frames: { id?: string; event?: string; data?: string }[] = [];
    for await (const frame of readSse(res.response.body!)) frames.push(frame);
    expect(frames.filter((f) => f.id).map((f) => Number(f.id))).toEqual([firstEventsCursor - 1, firstEventsCursor]);
    const lastData = JSON.parse(frames.filter((f) => f.id).at(-1)?.data ?? "{}");
    expect(lastData).toMatchObject({ seq: firstEventsCursor, event: { kind: "status", status: "finished" } });
    expect(frames.at(-1)).toMatchObject({ event: "end" });
    expect(JSON.parse(frames.at(-1)?.data ?? "{}")).toEqual({ status: "finished", lastSeq: firstEventsCursor });
  });

  it("sends a follow-up: the agent runs again in the same conversation", async () => {
    const sent = await h.api.post<ConversationResource>(`/conversations/${first.id}/messages`, { message: "append second line to NOTES.md" }, { key: h.dev.key });
    expect(sent.status).toBe(202);
    expect(sent.body.id).toBe(first.id);
    expect(["queued", "starting", "running", "finished"]).toContain(sent.body.status);
    const again = await pollConversation(first.id, (c) => terminal(c) && c.updatedAt !== first.updatedAt && c.finishedAt !== first.finishedAt);
    expect(again.status).toBe("finished");
    const newer = await h.api.get<EventsBody>(`/conversations/${first.id}/events?after=${firstEventsCursor}`, { key: h.dev.key });
    expect(newer.body.items[0]?.seq).toBe(firstEventsCursor + 1);
    expect(newer.body.items.map((e) => e.event)).toContainEqual(expect.objectContaining({ kind: "user_message", text: "append second line to NOTES.md" }));

    const invalid = await h.api.post<ErrorBody>(`/conversations/${first.id}/messages`, { text: "wrong field" }, { key: h.dev.key });
    expect(invalid.status).toBe(422);
    expect(Object.keys(invalid.body.error.details ?? {})).toEqual(["message"]);
  });

  let second: ConversationResource;

  it("cancels another conversation while the agent is running", async () => {
    const created = await h.api.post<ConversationResource>("/conversations", { repository: "acme/web-shop", message: "sleep 60" }, { key: h.dev.key });
    expect(created.status).toBe(201);
    await pollConversation(created.body.id, (c) => c.status === "running" || terminal(c));
    const cancelled = await h.api.post<ConversationResource>(`/conversations/${created.body.id}/cancel`, undefined, { key: h.dev.key });
    expect(cancelled.status).toBe(202);
    second = await pollConversation(created.body.id, terminal, 20_000);
    expect(second.status).toBe("cancelled");
    const again = await h.api.post<ErrorBody>(`/conversations/${created.body.id}/cancel`, undefined, { key: h.dev.key });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe("conversation_ended");
  });

  it("lists conversations newest first with cursor pagination and a status filter", async () => {
    const page1 = await h.api.get<ListBody>("/conversations?limit=1", { key: h.dev.key });
    expect(page1.status).toBe(200);
    expect(page1.body.items.map((c) => c.id)).toEqual([second.id]);
    expect(page1.body.nextCursor).toEqual(expect.any(String));
    const page2 = await h.api.get<ListBody>(`/conversations?limit=1&cursor=${page1.body.nextCursor}`, { key: h.dev.key });
    expect(page2.body.items.map((c) => c.id)).toEqual([first.id]);
    expect(page2.body.nextCursor).toBeNull();
    const finished = await h.api.get<ListBody>("/conversations?status=finished", { key: h.dev.key });
    expect(finished.body.items.map((c) => c.id)).toEqual([first.id]);
  });

  it("answers 404 for another user's conversation, whatever the operation", async () => {
    const asEve = { key: h.eve.key };
    for (const res of [
      await h.api.get<ErrorBody>(`/conversations/${first.id}`, asEve),
      await h.api.get<ErrorBody>(`/conversations/${first.id}/events`, asEve),
      await h.api.post<ErrorBody>(`/conversations/${first.id}/messages`, { message: "hijack" }, asEve),
      await h.api.post<ErrorBody>(`/conversations/${second.id}/cancel`, undefined, asEve),
      await h.api.get<ErrorBody>("/conversations/not-a-uuid", asEve),
    ]) {
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe("conversation_not_found");
    }
    const list = await h.api.get<ListBody>("/conversations", asEve);
    expect(list.body.items).toEqual([]);
  });

  it("never stores a key in plaintext", async () => {
    const rows = await rawApiKeyRows(h.db);
    const dump = JSON.stringify(rows);
    for (const key of [h.dev.key, h.eve.key]) {
      expect(dump).not.toContain(key);
      expect(dump).not.toContain(key.slice(12));
    }
    const keys = await listApiKeys(h.db, h.dev.userId);
    expect(keys.find((k) => k.name === "dev script")?.lastUsedAt).toBeInstanceOf(Date);
  });

  it("stops accepting a revoked key on the very next request", async () => {
    const { key, token } = await createApiKey(h.db, { userId: h.dev.userId, name: "to revoke" });
    expect((await h.api.get("/conversations", { key: token })).status).toBe(200);
    await revokeApiKey(h.db, { id: key.id, userId: h.dev.userId });
    const refused = await h.api.get<ErrorBody>("/conversations", { key: token });
    expect(refused.status).toBe(401);
    expect(refused.body.error.code).toBe("api_key_revoked");
    const expired = await createApiKey(h.db, { userId: h.dev.userId, name: "expired", expiresInDays: 1 }, new Date(Date.now() - 2 * 86_400_000));
    const late = await h.api.get<ErrorBody>("/conversations", { key: expired.token });
    expect(late.status).toBe(401);
    expect(late.body.error.code).toBe("api_key_expired");
  });

  it("limits requests per key and says when to retry", async () => {
    h.setEnv("API_RATE_LIMIT_PER_MINUTE", "3");
    try {
      const { token } = await createApiKey(h.db, { userId: h.dev.userId, name: "busy" });
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++) statuses.push((await h.api.get("/conversations?limit=1", { key: token })).status);
      expect(statuses).toEqual([200, 200, 200]);
      const limited = await h.api.get<ErrorBody>("/conversations?limit=1", { key: token });
      expect(limited.status).toBe(429);
      expect(limited.body.error.code).toBe("rate_limited");
      expect(Number(limited.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
      // Other keys have their own budget.
      expect((await h.api.get("/conversations?limit=1", { key: h.eve.key })).status).toBe(200);
    } finally {
      h.setEnv("API_RATE_LIMIT_PER_MINUTE", "10000");
    }
  });

  it("answers 403 when the key is fine but its owner's GitLab authorization is gone", async () => {
    // Eve revokes the app in GitLab: her access and refresh tokens stop working.
    await h.sandbox.control("oauth/revoke", { username: "eve" });
    const res = await h.api.post<ErrorBody>("/conversations", { repository: "eve/secret-project", message: "hi" }, { key: h.eve.key });
    expect(res.status).toBe(403);
    expect(res.body.error).toMatchObject({ code: "gitlab_reconnect_required", message: expect.stringContaining("reconnect GitLab") });
    // Reading what is stored needs no GitLab, so it still works.
    expect((await h.api.get("/conversations", { key: h.eve.key })).status).toBe(200);
  });

  it("finishes an API run over the API: push the branch, then open the merge request", async () => {
    const created = await h.api.post<ConversationResource>("/conversations", { repository: "acme/web-shop", message: "create file PUSHED.md with content from the API" }, { key: h.dev.key });
    const done = await pollConversation(created.body.id, terminal);
    expect(done).toMatchObject({ status: "finished", outcome: "resolved", outcomeLabel: "Resolved", pushedBranch: null, mergeRequestUrl: null, pendingFiles: ["PUSHED.md"] });

    const pushed = await h.api.post<{ branch: string; url: string; conversation: ConversationResource }>(`/conversations/${done.id}/push`, undefined, { key: h.dev.key });
    expect(pushed.status).toBe(200);
    expect(pushed.body.branch).toMatch(/^openhands\//);
    expect(pushed.body.conversation).toMatchObject({ pushedBranch: pushed.body.branch, pendingFiles: [] });
    expect((await h.api.get<ConversationResource>(`/conversations/${done.id}`, { key: h.dev.key })).body.pendingFiles).toEqual([]);

    const mr = await h.api.post<{ iid: number; url: string; reused: boolean; conversation: ConversationResource }>(`/conversations/${done.id}/merge-request`, undefined, { key: h.dev.key });
    expect(mr.status).toBe(201);
    expect(mr.body).toMatchObject({ reused: false, url: expect.stringContaining(`/merge_requests/${mr.body.iid}`) });
    expect(mr.body.conversation.mergeRequestUrl).toBe(mr.body.url);
    const again = await h.api.post<{ reused: boolean; url: string }>(`/conversations/${done.id}/merge-request`, undefined, { key: h.dev.key });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ reused: true, url: mr.body.url });
  });

  it("refuses to push what does not exist or is not the key owner's", async () => {
    const created = await h.api.post<ConversationResource>("/conversations", { repository: "acme/web-shop", message: "answer: nothing to change" }, { key: h.dev.key });
    const done = await pollConversation(created.body.id, terminal);
    expect(done.outcomeLabel).toBe("Answered");
    const nothing = await h.api.post<ErrorBody>(`/conversations/${done.id}/push`, undefined, { key: h.dev.key });
    expect(nothing.status).toBe(409);
    expect(nothing.body.error.code).toBe("nothing_to_push");
    const foreign = await h.api.post<ErrorBody>(`/conversations/${done.id}/merge-request`, undefined, { key: h.eve.key });
    expect(foreign.status).toBe(404);
    const missing = await h.api.post<ErrorBody>("/conversations/00000000-0000-4000-8000-000000000000/push", undefined, { key: h.dev.key });
    expect(missing.status).toBe(404);
  });

  it("openMergeRequest: true opens the merge request by itself when the run resolves", async () => {
    const created = await h.api.post<ConversationResource>("/conversations", { repository: "acme/web-shop", message: "create file AUTO.md with content auto", openMergeRequest: true }, { key: h.dev.key });
    expect(created.status).toBe(201);
    const done = await pollConversation(created.body.id, (c) => terminal(c) && c.mergeRequestUrl !== null);
    expect(done).toMatchObject({ outcome: "resolved", pushedBranch: expect.stringMatching(/^openhands\//), mergeRequestUrl: expect.stringContaining("/merge_requests/") });
  });

  it("every response above matches openapi.json, which is a valid OpenAPI 3.1 document", async () => {
    const served = await h.api.get<Parameters<typeof responseValidator>[0]>("/openapi.json");
    expect(served.status).toBe(200);
    const doc = served.body;
    expect(await validateOpenApiDocument(doc)).toMatchObject({ valid: true, version: "3.1" });
    const check = responseValidator(doc);
    const flow = h.api.recorded.filter((r) => r.template !== "/openapi.json");
    // The flow exercised every operation and the main error statuses.
    expect(new Set(flow.map((r) => `${r.method} ${r.template}`)).size).toBe(8);
    expect([...new Set(flow.map((r) => r.status))].sort((a, b) => a - b)).toEqual([200, 201, 202, 400, 401, 403, 404, 409, 422, 429]);
    expect(flow.flatMap(check)).toEqual([]);
  });
});
