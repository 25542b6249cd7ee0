import { describe, expect, it } from "vitest";
import { buildOpenApiDocument } from "./openapi";
import { responseValidator, validateOpenApiDocument } from "./testing/openapi-validator";
import { presentConversation } from "./present";
import type { Conversation } from "@/db/schema";

const doc = buildOpenApiDocument({ serverUrl: "http://127.0.0.1:3000/api/v1", version: "0.1.0" });

const row: Conversation = {
  id: "0b6f5a4e-4a4b-4c1e-9d0f-3e2a1b0c9d8e",
  userId: "5c0a3b2e-1d4f-4a6b-8c9d-0e1f2a3b4c5d",
  projectId: 7,
  projectPath: "acme/web-shop",
  branch: "main",
  title: "Fix it",
  trigger: "api",
  issueIid: null,
  mergeRequestIid: null,
  noteId: null,
  discussionId: null,
  triggerKey: null,
  status: "finished",
  outcome: "resolved",
  summary: "Done",
  error: null,
  workBranch: null,
  pushedBranch: null,
  mergeRequestUrl: "https://gitlab.example.com/acme/web-shop/-/merge_requests/1",
  runtime: "scripted",
  openMergeRequest: false,
  heartbeatAt: null,
  cancelRequestedAt: null,
  startedAt: new Date("2026-01-01T10:00:01Z"),
  finishedAt: new Date("2026-01-01T10:01:00Z"),
  createdAt: new Date("2026-01-01T10:00:00Z"),
  updatedAt: new Date("2026-01-01T10:01:00Z"),
};

describe("the OpenAPI document", () => {
  it("is a valid OpenAPI 3.1 document", async () => {
    const result = await validateOpenApiDocument(doc);
    expect(result.errors).toBeUndefined();
    expect(result).toMatchObject({ valid: true, version: "3.1" });
  });

  it("lists every Cloud API operation, each behind the bearer scheme", () => {
    const ops = Object.entries(doc.paths).flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`));
    expect(ops).toEqual([
      "POST /conversations",
      "GET /conversations",
      "GET /conversations/{id}",
      "GET /conversations/{id}/events",
      "POST /conversations/{id}/messages",
      "POST /conversations/{id}/cancel",
      "POST /conversations/{id}/push",
      "POST /conversations/{id}/merge-request",
      "GET /openapi.json",
    ]);
    expect(doc.components.securitySchemes.apiKey).toMatchObject({ type: "http", scheme: "bearer" });
  });

  it("describes request bodies in input form: the branch is optional, repository and message are required", () => {
    const create = doc.components.schemas.CreateConversationRequest as { required: string[] };
    expect(create.required.sort()).toEqual(["message", "repository"]);
  });

  it("accepts what the handlers send and rejects what they must not", () => {
    const check = responseValidator(doc);
    const conversation = presentConversation(row, "http://127.0.0.1:3000");
    expect(check({ method: "GET", template: "/conversations/{id}", status: 200, contentType: "application/json", body: conversation })).toEqual([]);
    expect(check({ method: "GET", template: "/conversations/{id}", status: 200, contentType: "application/json", body: { ...conversation, status: "exploded" } })).not.toEqual([]);
    expect(check({ method: "GET", template: "/conversations/{id}", status: 418, contentType: "application/json", body: {} })[0]).toMatch(/does not list/);
    const error = { error: { code: "validation_failed", message: "message: Required", details: { message: ["Required"] } } };
    expect(check({ method: "POST", template: "/conversations", status: 422, contentType: "application/json", body: error })).toEqual([]);
  });

  it("describes the push and merge request endpoints, and openMergeRequest on create", () => {
    const check = responseValidator(doc);
    const conversation = presentConversation({ ...row, pushedBranch: "openhands/fix-it" }, "http://127.0.0.1:3000", { pendingFiles: [] });
    const pushed = { branch: "openhands/fix-it", url: "https://gitlab.example.com/acme/web-shop/-/tree/openhands/fix-it", conversation };
    expect(check({ method: "POST", template: "/conversations/{id}/push", status: 200, contentType: "application/json", body: pushed })).toEqual([]);
    expect(check({ method: "POST", template: "/conversations/{id}/push", status: 200, contentType: "application/json", body: { branch: "x" } })).not.toEqual([]);
    const mr = { iid: 1, url: "https://gitlab.example.com/acme/web-shop/-/merge_requests/1", reused: false, conversation };
    expect(check({ method: "POST", template: "/conversations/{id}/merge-request", status: 201, contentType: "application/json", body: mr })).toEqual([]);
    const nothing = { error: { code: "nothing_to_push", message: "The agent did not change any files, so there is nothing to push." } };
    expect(check({ method: "POST", template: "/conversations/{id}/push", status: 409, contentType: "application/json", body: nothing })).toEqual([]);
    const create = doc.components.schemas.CreateConversationRequest as { properties: Record<string, { type?: string; default?: unknown }> };
    expect(create.properties.openMergeRequest).toMatchObject({ type: "boolean", default: false });
  });

  it("says how each conversation ended, in words that tell cancelled and timed out apart from failed", () => {
    const words = (over: Partial<Conversation>) => presentConversation({ ...row, ...over }, "http://x").outcomeLabel;
    expect(words({ status: "finished", outcome: "not_resolved" })).toBe("Not resolved");
    expect(words({ status: "cancelled", outcome: "cancelled" })).toBe("Cancelled");
    expect(words({ status: "failed", outcome: "timed_out" })).toBe("Timed out");
    expect(words({ status: "failed", outcome: "failed" })).toBe("Failed");
    expect(words({ status: "running", outcome: null })).toBeNull();
  });
});
