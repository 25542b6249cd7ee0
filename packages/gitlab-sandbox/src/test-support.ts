// Helpers for the sandbox's own tests: a webhook receiver, a small API client and fixture loading.
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { readOfficialFixture } from "./official-fixtures";

export interface ReceivedHook { headers: IncomingHttpHeaders; body: unknown; raw: string; at: number }

export interface Receiver {
  url: string;
  received: ReceivedHook[];
  /** Status to answer with, per request (default 200). */
  respond: (hook: ReceivedHook) => number;
  waitFor(predicate: (h: ReceivedHook) => boolean, timeoutMs?: number): Promise<ReceivedHook>;
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const received: ReceivedHook[] = [];
  const waiters: { predicate: (h: ReceivedHook) => boolean; resolve: (h: ReceivedHook) => void }[] = [];
  const receiver = { respond: (_h: ReceivedHook) => 200 } as Receiver;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const raw = Buffer.concat(chunks).toString("utf8");
      let body: unknown = raw;
      try {
        body = JSON.parse(raw) as unknown;
      } catch {
        // not JSON (custom template); keep the text
      }
      const hook: ReceivedHook = { headers: req.headers, body, raw, at: Date.now() };
      received.push(hook);
      res.writeHead(receiver.respond(hook), { "Content-Type": "application/json" });
      res.end('{"ok":true}');
      for (const w of [...waiters]) {
        if (w.predicate(hook)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(hook);
        }
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(receiver, {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    waitFor(predicate: (h: ReceivedHook) => boolean, timeoutMs = 5000): Promise<ReceivedHook> {
      const found = received.find(predicate);
      if (found) return Promise.resolve(found);
      return new Promise<ReceivedHook>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error("webhook not received in time")), timeoutMs);
        waiters.push({ predicate, resolve: (h) => { clearTimeout(timer); resolve(h); } });
      });
    },
    close(): Promise<void> {
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  });
}

export interface ApiResponse { status: number; headers: Headers; body: unknown }

/** `fetch` against the sandbox API with a token (PRIVATE-TOKEN for PATs, Bearer for OAuth). */
export function apiClient(baseUrl: string, token: string | null, kind: "pat" | "oauth" = "pat") {
  return async (method: string, path: string, body?: unknown): Promise<ApiResponse> => {
    const headers: Record<string, string> = {};
    if (token) headers[kind === "pat" ? "PRIVATE-TOKEN" : "Authorization"] = kind === "pat" ? token : `Bearer ${token}`;
    if (body !== undefined) headers["Content-Type"] = "application/json";
    const res = await fetch(`${baseUrl}/api/v4${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text === "" ? null : (JSON.parse(text) as unknown);
    } catch {
      // plain text (e.g. 429 "Retry later")
    }
    return { status: res.status, headers: res.headers, body: parsed };
  };
}

export function fixture(name: string): unknown {
  return readOfficialFixture(name);
}

export function obj(v: unknown): Record<string, unknown> {
  if (typeof v !== "object" || v === null || Array.isArray(v)) throw new Error(`expected an object, got ${JSON.stringify(v)?.slice(0, 200)}`);
  return v as Record<string, unknown>;
}

export function arr(v: unknown): unknown[] {
  if (!Array.isArray(v)) throw new Error(`expected an array, got ${JSON.stringify(v)?.slice(0, 200)}`);
  return v;
}
