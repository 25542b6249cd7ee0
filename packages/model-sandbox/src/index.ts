// The model sandbox: a scripted stand-in for a model endpoint. It speaks the API subset each agent CLI
// uses, all on one origin: OpenAI Responses (Codex, responses-api.ts), Anthropic Messages (Claude
// Code, messages-api.ts), Gemini generateContent (Gemini CLI, gemini-api.ts) and OpenAI Chat
// Completions (OpenCode, chat-api.ts). One "brain" (brain.ts) follows the scripted runtime's plain
// instructions for all of them, so a real agent binary can run end to end with no internet, in tests,
// benchmarks and the demo. Modes: `ok` (normal), `fail` (every model request gets a 503), `stall`
// (the stream starts and never ends). Every request is recorded.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { z } from "zod";
import { decideNextTurn, type ShellStep } from "./brain";
import { chatChunks, chatErrorBody, chatRequestSchema, chatResponse, chatTurn, type ChatRequest } from "./chat-api";
import { geminiErrorBody, geminiRequestSchema, geminiResponse, geminiRoute, geminiTurn, type GeminiRequest } from "./gemini-api";
import { messagesErrorBody, messagesEvents, messagesRequestSchema, messagesResponse, messagesTurn, type MessagesRequest } from "./messages-api";
import { functionCallItem, messageItem, responseEvents, responsesRequestSchema, sseFrame, type ResponsesRequest } from "./responses-api";

export type ModelSandboxMode = "ok" | "fail" | "stall";
export const modelSandboxModeSchema = z.enum(["ok", "fail", "stall"]);

/** Which API a request spoke. */
export type ModelApi = "responses" | "messages" | "gemini" | "chat";

export interface RecordedRequest {
  method: string;
  path: string;
  /** The Authorization header as received (tests check the key arrived). */
  authorization: string | null;
  /** The API key as received, whichever header the API uses (Bearer, x-api-key, x-goog-api-key). */
  apiKey: string | null;
  api: ModelApi | null;
  /** The model asked for (from the body, or Gemini's path). */
  model: string | null;
  /** The parsed body of a model request, or null for other requests / unparsable bodies. */
  body: ResponsesRequest | MessagesRequest | GeminiRequest | ChatRequest | null;
  /** The status the sandbox answered with (200 for streamed responses, even when stalled). */
  status: number;
}

export interface ModelSandbox {
  /** Origin, e.g. http://127.0.0.1:41234 */
  url: string;
  /** What a client configures as its base URL: `${url}/v1`. */
  baseUrl: string;
  requests(): RecordedRequest[];
  setMode(mode: ModelSandboxMode): void;
  reset(): void;
  close(): Promise<void>;
}

export interface StartModelSandboxOptions {
  port?: number;
  host?: string;
  /** When set, requests must carry this key (`Authorization: Bearer`, `x-api-key` or `x-goog-api-key`; else 401). */
  apiKey?: string;
  mode?: ModelSandboxMode;
}

// 503 rather than 500: for a 500 Codex shows a generic "high demand" text instead of the body.
const FAIL_BODY = { error: { message: "the model sandbox fails every request (fail mode)", type: "server_error", code: "sandbox_fail" } };

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

/**
 * A failing endpoint says "retry right away": every client honours Retry-After, so its retries (and
 * the tests of the failure path) take milliseconds instead of a minute of backoff.
 */
const RETRY_NOW = { "retry-after": "0", "retry-after-ms": "10" };

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": String(Buffer.byteLength(text)), ...(status >= 500 ? RETRY_NOW : {}) });
  res.end(text);
}

function header(req: IncomingMessage, name: string): string | null {
  const v = req.headers[name];
  return typeof v === "string" ? v : null;
}

/** The key a client sent, in the header its API uses. */
function apiKeyOf(req: IncomingMessage): string | null {
  const bearer = /^Bearer (.+)$/.exec(header(req, "authorization") ?? "")?.[1];
  return bearer ?? header(req, "x-api-key") ?? header(req, "x-goog-api-key");
}

/** `data:`-only SSE (Gemini, Chat Completions). */
const dataFrame = (event: unknown): string => `data: ${JSON.stringify(event)}\n\n`;

/** How one API answers: its body schema, the brain's turn, and its response and error shapes. */
interface Dialect<B> {
  schema: z.ZodType<B>;
  model(body: B): string;
  turn(body: B): ShellStep;
  stream(body: B): boolean;
  /** Whole SSE frames of a streamed answer (the first one is what a stalled stream sends). */
  frames(step: ShellStep, n: number, model: string, inputChars: number, body: B): string[];
  json(step: ShellStep, n: number, model: string, inputChars: number, body: B): unknown;
  error(message: string): unknown;
}

const messagesDialect: Dialect<MessagesRequest> = {
  schema: messagesRequestSchema,
  model: (b) => b.model,
  turn: messagesTurn,
  stream: (b) => b.stream === true,
  frames: (step, n, model, chars) => messagesEvents(step, n, model, chars).map(sseFrame),
  json: messagesResponse,
  error: messagesErrorBody,
};

const chatDialect: Dialect<ChatRequest> = {
  schema: chatRequestSchema,
  model: (b) => b.model,
  turn: chatTurn,
  stream: (b) => b.stream === true,
  frames: (step, n, model, chars) => [...chatChunks(step, n, model, chars).map(dataFrame), "data: [DONE]\n\n"],
  json: chatResponse,
  error: chatErrorBody,
};

function geminiDialect(model: string, streamed: boolean): Dialect<GeminiRequest> {
  const isJson = (b: GeminiRequest) => b.generationConfig?.responseMimeType === "application/json";
  return {
    schema: geminiRequestSchema,
    model: () => model,
    turn: geminiTurn,
    stream: () => streamed,
    frames: (step, n, m, chars, b) => [dataFrame(geminiResponse(step, n, m, chars, isJson(b)))],
    json: (step, n, m, chars, b) => geminiResponse(step, n, m, chars, isJson(b)),
    error: geminiErrorBody,
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

export async function startModelSandbox(opts: StartModelSandboxOptions = {}): Promise<ModelSandbox> {
  let mode: ModelSandboxMode = opts.mode ?? "ok";
  let recorded: RecordedRequest[] = [];
  let counter = 0;
  const sockets = new Set<Socket>();

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = new URL(req.url ?? "/", "http://sandbox").pathname.replace(/\/+$/, "") || "/";
    const method = req.method ?? "GET";
    const raw = await readBody(req);
    const record: RecordedRequest = { method, path, authorization: req.headers.authorization ?? null, apiKey: apiKeyOf(req), api: null, model: null, body: null, status: 200 };
    const answer = (status: number, body: unknown): void => {
      record.status = status;
      sendJson(res, status, body);
    };

    // Control API for a sandbox started in another process (npm run model-sandbox, the demo).
    if (path === "/-/sandbox/mode" && method === "POST") {
      const parsed = z.object({ mode: modelSandboxModeSchema }).safeParse(parseJson(raw));
      if (!parsed.success) return sendJson(res, 400, { error: { message: "body must be {\"mode\":\"ok\"|\"fail\"|\"stall\"}" } });
      mode = parsed.data.mode;
      return sendJson(res, 200, { mode });
    }
    if (path === "/-/sandbox/requests" && method === "GET") return sendJson(res, 200, { mode, requests: recorded });

    recorded.push(record);
    if (opts.apiKey !== undefined && record.apiKey !== opts.apiKey && path !== "/") {
      return answer(401, { error: { message: "Incorrect API key provided.", type: "invalid_request_error", code: "invalid_api_key" } });
    }
    if (path === "/v1/models" && method === "GET") return answer(200, { object: "list", data: [] });
    // Claude Code checks that its base URL answers before the first request.
    if (path === "/" && (method === "HEAD" || method === "GET")) return answer(200, {});
    if (path === "/v1/messages/count_tokens" && method === "POST") return answer(200, { input_tokens: Math.ceil(raw.length / 4) });

    if (path === "/v1/responses" && method === "POST") return respondResponses();
    if (path === "/v1/messages" && method === "POST") return respond("messages", messagesDialect);
    if (path === "/v1/chat/completions" && method === "POST") return respond("chat", chatDialect);
    const gemini = method === "POST" ? geminiRoute(path) : null;
    if (gemini?.method === "generateContent" || gemini?.method === "streamGenerateContent") {
      return respond("gemini", geminiDialect(gemini.model, gemini.method === "streamGenerateContent"));
    }
    if (gemini?.method === "countTokens") return answer(200, { totalTokens: Math.ceil(raw.length / 4) });
    return answer(404, { error: { message: `No route for ${method} ${path}`, type: "invalid_request_error" } });

    function respondResponses(): void {
      const parsed = responsesRequestSchema.safeParse(parseJson(raw));
      if (!parsed.success) return answer(400, { error: { message: `Invalid request: ${parsed.error.issues[0]?.message ?? "bad body"}`, type: "invalid_request_error" } });
      Object.assign(record, { api: "responses", body: parsed.data, model: parsed.data.model });
      if (mode === "fail") return answer(503, FAIL_BODY);

      const n = ++counter;
      res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive" });
      const turn = decideNextTurn(parsed.data.input);
      const item = turn.type === "call" ? functionCallItem(`call_${n}`, turn.name, turn.args) : messageItem(String(n), turn.text);
      const events = responseEvents(`resp_${n}`, parsed.data.model, item, raw.length);
      if (mode === "stall") {
        // The stream starts and then goes silent, like a hung upstream; close() ends it.
        res.write(sseFrame(events[0] ?? {}));
        return;
      }
      res.end(events.map(sseFrame).join(""));
    }

    function respond<B extends MessagesRequest | GeminiRequest | ChatRequest>(api: ModelApi, dialect: Dialect<B>): void {
      const parsed = dialect.schema.safeParse(parseJson(raw));
      if (!parsed.success) return answer(400, dialect.error(`Invalid request: ${parsed.error.issues[0]?.message ?? "bad body"}`));
      const body = parsed.data;
      const model = dialect.model(body);
      Object.assign(record, { api, body, model });
      if (mode === "fail") return answer(503, dialect.error(FAIL_BODY.error.message));

      const n = ++counter;
      const step = dialect.turn(body);
      if (!dialect.stream(body)) {
        if (mode === "stall") return; // no answer at all; close() ends the request
        return answer(200, dialect.json(step, n, model, raw.length, body));
      }
      res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive" });
      const frames = dialect.frames(step, n, model, raw.length, body);
      if (mode === "stall") {
        res.write(frames[0] ?? "");
        return;
      }
      res.end(frames.join(""));
    }
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { error: { message: err instanceof Error ? err.message : String(err), type: "server_error" } });
      else res.destroy();
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  const address = await new Promise<AddressInfo>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, opts.host ?? "127.0.0.1", () => {
      server.off("error", reject);
      resolve(server.address() as AddressInfo);
    });
  });
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;

  let closing: Promise<void> | null = null;
  return {
    url,
    baseUrl: `${url}/v1`,
    requests: () => recorded.slice(),
    setMode: (m) => { mode = m; },
    reset: () => { recorded = []; mode = opts.mode ?? "ok"; },
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Stalled streams and keep-alive connections would otherwise hold close() open.
        for (const socket of sockets) socket.destroy();
      });
      return closing;
    },
  };
}
