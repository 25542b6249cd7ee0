import { notFound, redirect } from "next/navigation";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import type { User } from "@/db/schema";
import { GitLabError, NeedsReauthError } from "@/lib/gitlab/errors";
import { log } from "@/lib/log";
import { AppError } from "./app-error";

// The wrapper's two dependencies on the request: who is signed in, and the database handle.
const state = vi.hoisted(() => ({ user: null as { id: string } | null, userError: null as Error | null }));
vi.mock("@/lib/auth/current-user", () => ({
  currentUser: async () => {
    if (state.userError) throw state.userError;
    return state.user;
  },
}));
vi.mock("@/db", () => ({ getDb: async () => ({ db: "the-db" }) }));

const { authAction, publicAction, SESSION_ENDED } = await import("./server-action");

const form = (fields: Record<string, string | Blob>) => {
  const f = new FormData();
  for (const [k, v] of Object.entries(fields)) f.set(k, v);
  return f;
};
const idle = { status: "idle" as const };
const ada = { id: "user-ada" };
/** Next marks its control-flow errors with a digest (NEXT_REDIRECT;…, NEXT_HTTP_ERROR_FALLBACK;404). */
const digestOf = (err: unknown) => (err instanceof Error && "digest" in err ? String(err.digest) : "");
const token = "glpat-abcdefghij0123456789";

const schema = z.object({ name: z.string().trim().min(1, "Give it a name"), count: z.coerce.number().int().min(1, "At least 1") });

beforeEach(() => {
  state.user = ada;
  state.userError = null;
  vi.restoreAllMocks();
});

describe("authAction", () => {
  it("runs the handler with the parsed input, the user and the database, and reports success", async () => {
    const handler = vi.fn(async (input: z.output<typeof schema>, ctx: { user: User; db: unknown }) => ({ message: `Hi ${input.name} ×${input.count}`, by: ctx.user.id, db: ctx.db }));
    const action = authAction(schema, handler);
    expect(await action(idle, form({ name: "  Ada ", count: "3", extra: "ignored" }))).toEqual({ status: "success", message: "Hi Ada ×3", by: "user-ada", db: "the-db" });
    expect(handler).toHaveBeenCalledWith({ name: "Ada", count: 3 }, { user: ada, db: "the-db" });
  });

  it("without a session: an error result, not a throw, and the handler never runs", async () => {
    state.user = null;
    const handler = vi.fn(async () => ({ message: "done" }));
    const result = await authAction(schema, handler, { keep: (raw) => ({ draft: raw.name }) })(idle, form({ name: "x", count: "1" }));
    expect(result).toEqual({ ...SESSION_ENDED, draft: "x" });
    expect(result).toMatchObject({ status: "error", code: "unauthenticated" });
    expect(handler).not.toHaveBeenCalled();
  });

  it("a failing session lookup (database down) is an error result too", async () => {
    state.userError = new Error(`connect ECONNREFUSED postgres://app:${token}@db`);
    vi.spyOn(log, "error").mockImplementation(() => undefined);
    const result = await authAction(schema, async () => ({ message: "done" }))(idle, form({ name: "x", count: "1" }));
    expect(result).toEqual({ status: "error", code: "internal_error", message: "Something went wrong on our side. Please try again." });
  });

  it("invalid input: field errors for each field, the given message, kept fields; the handler never runs", async () => {
    const handler = vi.fn(async () => ({ message: "done" }));
    const action = authAction(schema, handler, { keep: (raw) => ({ draft: raw.name }) });
    const result = await action(idle, form({ name: "   ", count: "0" }));
    expect(result).toEqual({
      status: "error",
      code: "invalid_input",
      message: "Check the form.",
      fieldErrors: { name: ["Give it a name"], count: ["At least 1"] },
      draft: "   ",
    });
    // a missing field reads as empty, a file in a text field too
    expect((await action(idle, form({ name: new Blob(["x"]) }))).fieldErrors).toMatchObject({ name: ["Give it a name"] });
    expect(await authAction(schema, handler, { invalid: "This thing does not exist." })(idle, form({}))).toMatchObject({ message: "This thing does not exist." });
    expect(await authAction(schema, handler, { invalid: (fe) => fe.count?.[0] ?? "?" })(idle, form({ name: "a", count: "x" }))).toMatchObject({ message: "Invalid input: expected number, received NaN" });
    expect(handler).not.toHaveBeenCalled();
  });

  it("maps known errors: the app's own, GitLab's by status, and a connection to renew", async () => {
    const failWith = (err: unknown) => authAction(schema, async () => Promise.reject(err))(idle, form({ name: "a", count: "1" }));
    vi.spyOn(log, "error").mockImplementation(() => undefined);

    expect(await failWith(new AppError("secret_not_found", 404, "This secret does not exist."))).toEqual({ status: "error", code: "secret_not_found", message: "This secret does not exist." });
    // a domain error naming its fields puts them beside the fields
    expect(await failWith(new AppError("secret_exists", 409, "A secret named X already exists.", { name: ["A secret named X already exists"] }))).toEqual({
      status: "error",
      code: "secret_exists",
      message: "A secret named X already exists.",
      fieldErrors: { name: ["A secret named X already exists"] },
    });
    expect(await failWith(new NeedsReauthError("conn-1", "refresh refused"))).toMatchObject({ status: "error", code: "needs_reauth", message: expect.stringContaining("Reconnect GitLab") });

    const gitlab: Array<[GitLabError, string]> = [
      [new GitLabError("unauthorized", "GitLab rejected the access token: it has expired", { status: 401 }), "gitlab_unauthorized"],
      [new GitLabError("forbidden", "GitLab refused the request (403): 403 Forbidden", { status: 403 }), "gitlab_forbidden"],
      [new GitLabError("not_found", "Not found on GitLab (404): 404 Project Not Found", { status: 404 }), "gitlab_not_found"],
      [new GitLabError("rate_limited", "GitLab rate limit hit; retry in 30 s", { status: 429, retryAfterSeconds: 30 }), "gitlab_rate_limited"],
      [new GitLabError("server_error", "GitLab had a server error (502)", { status: 502 }), "gitlab_server_error"],
    ];
    for (const [err, code] of gitlab) expect(await failWith(err)).toEqual({ status: "error", code, message: err.message });
  });

  it("a known error's message passes the redactor: a credential GitLab quoted never reaches the browser", async () => {
    const result = await authAction(schema, async () => Promise.reject(new GitLabError("bad_request", `GitLab rejected the request (400): bad token ${token}`, { status: 400 })))(idle, form({ name: "a", count: "1" }));
    expect(result.message).toBe("GitLab rejected the request (400): bad token [redacted]");
    expect(JSON.stringify(result)).not.toContain(token);
  });

  it("an unknown error: a generic message, none of its text, and a log line", async () => {
    const logged = vi.spyOn(log, "error").mockImplementation(() => undefined);
    const action = authAction(schema, async () => Promise.reject(new Error(`duplicate key in secrets_value_enc "s3cr3t-internal-detail"`)), { name: "make thing", keep: (raw) => ({ draft: raw.name }) });
    const result = await action(idle, form({ name: "a", count: "1" }));
    expect(result).toEqual({ status: "error", code: "internal_error", message: "Something went wrong on our side. Please try again.", draft: "a" });
    expect(JSON.stringify(result)).not.toContain("s3cr3t");
    expect(logged).toHaveBeenCalledWith("make thing failed", expect.objectContaining({ userId: "user-ada" }));
  });

  it("Next's redirect() and notFound() are thrown again, so navigation still happens", async () => {
    const redirecting = authAction(schema, async () => redirect("/conversations/123"));
    const redirected = await redirecting(idle, form({ name: "a", count: "1" })).catch((err: unknown) => err);
    expect(digestOf(redirected)).toMatch(/^NEXT_REDIRECT;.*\/conversations\/123/);

    const missing = await authAction(schema, async () => notFound())(idle, form({ name: "a", count: "1" })).catch((err: unknown) => err);
    expect(digestOf(missing)).toBe("NEXT_HTTP_ERROR_FALLBACK;404");
  });
});

describe("publicAction", () => {
  const callback = z.object({ callbackUrl: z.string().startsWith("/").catch("/") });

  it("needs no user and runs the handler with the parsed input", async () => {
    state.user = null;
    const handler = vi.fn(async () => undefined);
    await publicAction(callback, handler)(form({ callbackUrl: "https://evil.example" }));
    expect(handler).toHaveBeenCalledWith({ callbackUrl: "/" });
  });

  it("lets a redirect through; an unknown failure becomes the generic message, logged", async () => {
    const redirected = await publicAction(callback, async () => redirect("/sign-in"))(form({})).catch((err: unknown) => err);
    expect(digestOf(redirected)).toMatch(/^NEXT_REDIRECT;/);

    const logged = vi.spyOn(log, "error").mockImplementation(() => undefined);
    const failed = await publicAction(callback, async () => Promise.reject(new Error(`client_secret=${token}`)), { name: "sign in" })(form({})).catch((err: unknown) => err);
    expect(failed).toBeInstanceOf(Error);
    expect((failed as Error).message).toBe("Something went wrong on our side. Please try again.");
    expect(logged).toHaveBeenCalledWith("sign in failed", expect.anything());
  });
});
