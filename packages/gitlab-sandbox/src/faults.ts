// Fault injection and rate limiting for tests of the app's error handling. Faults make matching
// requests fail or slow down, either before the handler runs (nothing happens) or, with `after`,
// once it has run (the change is made, but the client sees a failure: a proxy's 5xx, a lost
// answer); the rate limiter imitates Rack::Attack's authenticated API throttle
// (fixed one-minute windows, `RateLimit-*` headers, 429 "Retry later" with `Retry-After`).
import type { ServerResponse } from "node:http";
import { z } from "zod";

export const FaultInputSchema = z.object({
  path: z.string().min(1),
  method: z.string().optional(),
  status: z.number().int().min(100).max(599).optional(),
  body: z.unknown().optional(),
  delay_ms: z.number().int().min(0).max(120_000).optional(),
  times: z.number().int().min(1).optional(),
  rate: z.number().min(0).max(1).optional(),
  retry_after: z.number().int().min(0).optional(),
  /** run the real handler first (its effects stay), then answer with the fault instead */
  after: z.boolean().optional(),
  /** close the connection without any answer (what a client sees when its request times out or a proxy drops it) */
  drop: z.boolean().optional(),
});
export type FaultInput = z.infer<typeof FaultInputSchema>;

export interface Fault { id: number; input: FaultInput; pattern: RegExp; remaining: number | null; hits: number }

export class Faults {
  private faults: Fault[] = [];
  private seq = 1;

  add(input: FaultInput): Fault {
    const fault: Fault = { id: this.seq++, input, pattern: new RegExp(input.path), remaining: input.times ?? null, hits: 0 };
    this.faults.push(fault);
    return fault;
  }

  list(): Record<string, unknown>[] {
    return this.faults.map((f) => ({ id: f.id, ...f.input, remaining: f.remaining, hits: f.hits }));
  }

  clear(): void {
    this.faults = [];
  }

  /** First active fault matching the request; consumes one of its `times`. */
  match(method: string, pathAndQuery: string): Fault | null {
    if (this.faults.length === 0) return null;
    for (const f of this.faults) {
      if (f.remaining !== null && f.remaining <= 0) continue;
      if (f.input.method && f.input.method.toUpperCase() !== method) continue;
      if (!f.pattern.test(pathAndQuery)) continue;
      if (f.input.rate !== undefined && Math.random() >= f.input.rate) continue;
      if (f.remaining !== null) f.remaining--;
      f.hits++;
      return f;
    }
    return null;
  }
}

/**
 * Holds back everything a handler writes to `res` (status, headers, body) while still letting it
 * run to completion, so an `after` fault can answer instead. Then either `discard()` (the fault
 * answers; none of the handler's headers are left) or `replay()` (the real answer, late).
 */
export function holdResponse(res: ServerResponse): { discard(): void; replay(): void } {
  const original = { writeHead: res.writeHead, write: res.write, end: res.end };
  const calls: { fn: "writeHead" | "write" | "end"; args: unknown[] }[] = [];
  const record = (fn: "writeHead" | "write" | "end") => (...args: unknown[]) => {
    calls.push({ fn, args: args.filter((a) => typeof a !== "function") });
    const callback = args.find((a): a is () => void => typeof a === "function");
    if (callback) setImmediate(callback);
    return fn === "write" ? true : res;
  };
  res.writeHead = record("writeHead") as unknown as ServerResponse["writeHead"];
  res.write = record("write") as unknown as ServerResponse["write"];
  res.end = record("end") as unknown as ServerResponse["end"];
  const restore = (): void => {
    Object.assign(res, original);
  };
  return {
    discard() {
      restore();
      for (const name of res.getHeaderNames()) res.removeHeader(name);
      res.statusCode = 200;
    },
    replay() {
      restore();
      for (const { fn, args } of calls) (res[fn] as (...a: unknown[]) => unknown).apply(res, args);
      if (!calls.some((c) => c.fn === "end")) res.end();
    },
  };
}

export const RateLimitInputSchema = z.object({
  requests_per_minute: z.number().int().min(0).nullable(),
  per: z.enum(["token"]).default("token"),
});

export interface RateDecision { allowed: boolean; headers: Record<string, string> }

export class RateLimiter {
  private limit: number | null = null;
  private windows = new Map<string, { window: number; count: number }>();

  configure(requestsPerMinute: number | null): void {
    this.limit = requestsPerMinute && requestsPerMinute > 0 ? requestsPerMinute : null;
    this.windows.clear();
  }

  get enabled(): boolean {
    return this.limit !== null;
  }

  settings(): { requests_per_minute: number | null; per: "token" } {
    return { requests_per_minute: this.limit, per: "token" };
  }

  /** Counts one request for `key` (the token, or the client address when anonymous). */
  check(key: string, now = Date.now()): RateDecision {
    if (this.limit === null) return { allowed: true, headers: {} };
    const window = Math.floor(now / 60_000);
    let entry = this.windows.get(key);
    if (!entry || entry.window !== window) {
      entry = { window, count: 0 };
      this.windows.set(key, entry);
    }
    entry.count++;
    const resetAt = (window + 1) * 60;
    const headers: Record<string, string> = {
      "RateLimit-Name": "throttle_authenticated_api",
      "RateLimit-Limit": String(this.limit),
      "RateLimit-Observed": String(entry.count),
      "RateLimit-Remaining": String(Math.max(0, this.limit - entry.count)),
      "RateLimit-Reset": String(resetAt),
    };
    if (entry.count <= this.limit) return { allowed: true, headers };
    headers["RateLimit-ResetTime"] = new Date(resetAt * 1000).toUTCString();
    headers["Retry-After"] = String(Math.max(1, resetAt - Math.floor(now / 1000)));
    return { allowed: false, headers };
  }
}
