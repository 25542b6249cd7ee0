// The model sandbox: a scripted stand-in for a model endpoint speaking the Responses API subset that
// Codex CLI uses (see responses-api.ts). Its "brain" (brain.ts) follows the scripted runtime's plain
// instructions, so a real agent binary can run end to end with no internet, in tests, benchmarks and
// the demo. Modes: `ok` (normal), `fail` (every request gets a 503), `stall` (the stream starts and
// never ends). Every request is recorded.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { z } from "zod";
import { decideNextTurn } from "./brain";
import { functionCallItem, messageItem, responseEvents, responsesRequestSchema, sseFrame, type ResponsesRequest } from "./responses-api";

export type ModelSandboxMode = "ok" | "fail" | "stall";
export const modelSandboxModeSchema = z.enum(["ok", "fail", "stall"]);

export interface RecordedRequest {
  method: string;
  path: string;
  /** The Authorization header as received (tests check the key arrived). */
  authorization: string | null;
  /** The parsed body of a /v1/responses request, or null for other requests / unparsable bodies. */
  body: ResponsesRequest | null;
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
  /** When set, requests must carry `Authorization: Bearer <apiKey>` (else 401). */
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

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": String(Buffer.byteLength(text)) });
  res.end(text);
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
    const record: RecordedRequest = { method, path, authorization: req.headers.authorization ?? null, body: null, status: 200 };
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
    if (opts.apiKey !== undefined && record.authorization !== `Bearer ${opts.apiKey}`) {
      return answer(401, { error: { message: "Incorrect API key provided.", type: "invalid_request_error", code: "invalid_api_key" } });
    }
    if (path === "/v1/models" && method === "GET") return answer(200, { object: "list", data: [] });
    if (path !== "/v1/responses" || method !== "POST") return answer(404, { error: { message: `No route for ${method} ${path}`, type: "invalid_request_error" } });

    const parsed = responsesRequestSchema.safeParse(parseJson(raw));
    if (!parsed.success) return answer(400, { error: { message: `Invalid request: ${parsed.error.issues[0]?.message ?? "bad body"}`, type: "invalid_request_error" } });
    record.body = parsed.data;
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
