import { z } from "zod";
import {
  conversationIdParam,
  eventsQuery,
  listConversationsQuery,
  namedRequestSchemas,
  namedSchemas,
} from "./schemas";

/**
 * The OpenAPI 3.1 document, generated from the zod schemas the handlers parse and send with
 * (schemas.ts). OpenAPI 3.1 uses JSON Schema 2020-12, which is what `z.toJSONSchema` emits, so the
 * schemas go in unchanged. Only the list of operations below is written by hand.
 */

type JsonSchema = Record<string, unknown>;
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const uri = (id: string) => `#/components/schemas/${id}`;

/** Components from a record of named schemas; `io` picks the request (input) or response (output) shape. */
function components(schemas: Record<string, z.ZodType>, io: "input" | "output"): Record<string, JsonSchema> {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(schemas)) registry.add(schema, { id });
  const { schemas: out } = z.toJSONSchema(registry, { uri, io, target: "draft-2020-12" });
  return Object.fromEntries(Object.entries(out).map(([id, s]) => [id, stripRootKeywords(s as JsonSchema)]));
}

/** `$schema` and `$id` belong to standalone documents, not to schemas embedded in OpenAPI. */
function stripRootKeywords(schema: JsonSchema): JsonSchema {
  const { $schema: _schema, $id: _id, ...rest } = schema;
  return rest;
}

/** Query parameters from an object schema: one parameter per property, in input mode (defaults are optional). */
function queryParameters(schema: z.ZodObject): JsonSchema[] {
  const json = z.toJSONSchema(schema, { io: "input", target: "draft-2020-12" }) as { properties?: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, { description, ...s }]) => ({
    name,
    in: "query",
    required: json.required?.includes(name) ?? false,
    ...(description ? { description } : {}),
    schema: s,
  }));
}

const idParameter = {
  name: "id",
  in: "path",
  required: true,
  description: conversationIdParam.description,
  schema: { type: "string", format: "uuid" },
};

const errorResponses: Record<number, string> = {
  400: "The body is not JSON (`invalid_json`).",
  401: "Missing or invalid API key (`missing_api_key`, `invalid_api_key`), or a revoked (`api_key_revoked`) or expired (`api_key_expired`) one.",
  403: "GitLab refused the key owner (`gitlab_forbidden`), or their GitLab connection must be renewed (`gitlab_reconnect_required`).",
  404: "Not found, or not the key owner's: another user's conversation is indistinguishable from a missing one.",
  409: "The conversation is not in a state that allows this (e.g. already finished).",
  413: "The body is too large.",
  422: "The body or query does not validate; `details` names each field.",
  429: "Rate limit for this key exceeded; retry after `Retry-After` seconds.",
  500: "Unexpected error on our side.",
  502: "GitLab is unreachable or failed.",
};

function errors(...statuses: number[]) {
  return Object.fromEntries(
    statuses.map((status) => [
      String(status),
      {
        description: errorResponses[status] ?? "Error",
        ...(status === 429 ? { headers: { "Retry-After": { description: "Seconds to wait.", schema: { type: "integer" } } } } : {}),
        content: { "application/json": { schema: ref("Error") } },
      },
    ]),
  );
}

const json = (schema: object, description: string) => ({ description, content: { "application/json": { schema } } });
const always = [401, 403, 429, 500, 502];

export interface OpenApiOptions {
  /** absolute URL of the API root, e.g. https://agent.example.com/api/v1 */
  serverUrl: string;
  version: string;
}

export function buildOpenApiDocument({ serverUrl, version }: OpenApiOptions) {
  return {
    openapi: "3.1.0",
    info: {
      title: "OpenHands for GitLab: Cloud API",
      version,
      description:
        "Drive the agent from scripts, CI jobs and bots. Authenticate with `Authorization: Bearer <API key>`; create keys in Settings › API Keys. Errors are always `{ \"error\": { \"code\", \"message\" } }`.",
    },
    servers: [{ url: serverUrl }],
    security: [{ apiKey: [] }],
    paths: {
      "/conversations": {
        post: {
          operationId: "createConversation",
          summary: "Start a conversation",
          description: "The repository and branch are checked on GitLab with the key owner's token; an unknown or inaccessible one is a 404 (`repository_not_found`, `branch_not_found`).",
          requestBody: { required: true, content: { "application/json": { schema: ref("CreateConversationRequest") } } },
          responses: { "201": json(ref("Conversation"), "Started; the agent is queued."), ...errors(400, 404, 413, 422, ...always) },
        },
        get: {
          operationId: "listConversations",
          summary: "List conversations, newest first",
          parameters: queryParameters(listConversationsQuery),
          responses: { "200": json(ref("ConversationList"), "One page."), ...errors(422, ...always) },
        },
      },
      "/conversations/{id}": {
        get: {
          operationId: "getConversation",
          summary: "A conversation: status, summary, merge request, timestamps",
          parameters: [idParameter],
          responses: { "200": json(ref("Conversation"), "The conversation."), ...errors(404, ...always) },
        },
      },
      "/conversations/{id}/events": {
        get: {
          operationId: "listConversationEvents",
          summary: "The conversation's timeline, as JSON or as a Server-Sent Events stream",
          description:
            "With `Accept: text/event-stream` the answer is the live stream: each event is sent as `id: <seq>` and `data: <ConversationEvent as JSON>`; a reconnecting client resumes after `Last-Event-ID` (or `after`). Once the conversation is finished, failed or cancelled and everything was sent, a final `event: end` carries `{ \"status\", \"lastSeq\" }` and the stream closes.",
          parameters: [idParameter, ...queryParameters(eventsQuery)],
          responses: {
            "200": {
              description: "Events after `after`.",
              content: {
                "application/json": { schema: ref("ConversationEvents") },
                "text/event-stream": { schema: { type: "string", description: "SSE frames; `data` is a ConversationEvent." } },
              },
            },
            ...errors(404, 422, ...always),
          },
        },
      },
      "/conversations/{id}/messages": {
        post: {
          operationId: "sendMessage",
          summary: "Send a follow-up message; the agent continues in the same workspace",
          parameters: [idParameter],
          requestBody: { required: true, content: { "application/json": { schema: ref("FollowUpRequest") } } },
          responses: { "202": json(ref("Conversation"), "Accepted; the agent will run again."), ...errors(400, 404, 409, 413, 422, ...always) },
        },
      },
      "/conversations/{id}/cancel": {
        post: {
          operationId: "cancelConversation",
          summary: "Cancel the running agent",
          parameters: [idParameter],
          responses: { "202": json(ref("Conversation"), "Cancellation requested (or already done)."), ...errors(404, 409, ...always) },
        },
      },
      "/conversations/{id}/push": {
        post: {
          operationId: "pushBranch",
          summary: "Push the agent's unpushed work to its branch on GitLab",
          description:
            "For conversations started from the app or this API; the agent never pushes, this does, with the key owner's token. Works after any ended run that changed files, also a failed or cancelled one. Idempotent: with nothing new to push it answers with the branch pushed before. 409 `nothing_to_push` when the agent changed no files, `conversation_running` while it runs, `push_rejected` when GitLab refuses (protected branch, moved base).",
          parameters: [idParameter],
          responses: { "200": json(ref("PushedBranch"), "Pushed (or already pushed)."), ...errors(404, 409, ...always) },
        },
      },
      "/conversations/{id}/merge-request": {
        post: {
          operationId: "openMergeRequest",
          summary: "Open a merge request with the agent's work",
          description: "Pushes first when needed, then opens a merge request from the work branch to the conversation's branch, or reuses the one already open for it (200 with `reused: true`).",
          parameters: [idParameter],
          responses: {
            "201": json(ref("MergeRequest"), "Opened."),
            "200": json(ref("MergeRequest"), "A merge request from this branch was already open."),
            ...errors(404, 409, ...always),
          },
        },
      },
      "/openapi.json": {
        get: {
          operationId: "getOpenApiDocument",
          summary: "This document",
          security: [],
          responses: { "200": { description: "OpenAPI 3.1", content: { "application/json": { schema: { type: "object" } } } } },
        },
      },
    },
    components: {
      securitySchemes: {
        apiKey: { type: "http", scheme: "bearer", bearerFormat: "ohk_…", description: "An API key from Settings › API Keys." },
      },
      schemas: { ...components(namedSchemas, "output"), ...components(namedRequestSchemas, "input") },
    },
  };
}

export type OpenApiDocument = ReturnType<typeof buildOpenApiDocument>;
