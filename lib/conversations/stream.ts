import type { DbHandle } from "@/db/client";
import { log } from "@/lib/log";
import { listEvents } from "./events";
import { subscribe } from "./notifications";
import { getConversationStatus } from "./queries";
import { isTerminal } from "./status";

export interface EventStreamOptions {
  handle: DbHandle;
  /** the caller has checked that the conversation belongs to the requester */
  conversationId: string;
  /** send events with a seq greater than this (0: from the beginning) */
  afterSeq: number;
  /** the request's signal: the stream stops when the client goes away */
  signal?: AbortSignal;
  /** comment lines keep proxies from closing an idle stream (default 15 s) */
  pingMs?: number;
  /** re-read even without a notification, in case one was lost (default 5 s) */
  pollMs?: number;
}

const BATCH = 500;
const encoder = new TextEncoder();

/** Where a (re)connecting client resumes: the `Last-Event-ID` header (EventSource sends it), else `?after=`. */
export function resumeSeq(req: Request): number {
  const raw = req.headers.get("last-event-id") ?? new URL(req.url).searchParams.get("after") ?? "0";
  const n = Number(raw);
  return Number.isSafeInteger(n) && n > 0 ? n : 0;
}

export const eventStreamHeaders = {
  "content-type": "text/event-stream; charset=utf-8",
  "cache-control": "no-cache, no-transform",
  connection: "keep-alive",
  // nginx buffers responses by default, which would hold events back
  "x-accel-buffering": "no",
} as const;

/**
 * A conversation's timeline as Server-Sent Events. Each event is `id: <seq>` + `data: <json>`, so a
 * reconnecting EventSource resumes exactly after the last event it received. It replays from the
 * database, then follows live: a notification (LISTEN/NOTIFY or PGlite's in-process equivalent)
 * only says "look again", and the database is the source of truth, so nothing can be skipped or
 * sent twice. It ends with `event: end` once the conversation is finished, failed or cancelled and
 * everything up to that point was sent. Shared by the page's route and the Cloud API.
 */
export function conversationEventStream(opts: EventStreamOptions): ReadableStream<Uint8Array> {
  const { handle, conversationId } = opts;
  let last = opts.afterSeq;
  let closed = false;
  let dirty = true;
  let wake: (() => void) | null = null;
  const cleanups: (() => void)[] = [];

  const close = () => {
    if (closed) return;
    closed = true;
    for (const fn of cleanups.splice(0)) fn();
    wake?.();
  };

  return new ReadableStream<Uint8Array>({
    async start(controller) {
      const send = (text: string) => {
        if (!closed) controller.enqueue(encoder.encode(text));
      };
      const poke = () => {
        dirty = true;
        wake?.();
      };
      if (opts.signal?.aborted) {
        controller.close();
        return;
      }
      opts.signal?.addEventListener("abort", close, { once: true });
      try {
        cleanups.push(await subscribe(handle, conversationId, poke));
      } catch (err) {
        log.warn("event stream could not listen; falling back to polling", { conversationId, err });
      }
      const ping = setInterval(() => send(": ping\n\n"), opts.pingMs ?? 15_000);
      const poll = setInterval(poke, opts.pollMs ?? 5_000);
      cleanups.push(() => clearInterval(ping), () => clearInterval(poll));
      send("retry: 2000\n\n");
      try {
        while (!closed) {
          if (!dirty) {
            await new Promise<void>((resolve) => (wake = resolve));
            wake = null;
            continue;
          }
          dirty = false;
          // Status first, then events: if the status is terminal, its own status event (written in
          // the same transaction) is already visible to the read that follows.
          const row = await getConversationStatus(handle.db, conversationId);
          for (;;) {
            const batch = await listEvents(handle.db, conversationId, last, BATCH);
            for (const e of batch) {
              send(`id: ${e.seq}\ndata: ${JSON.stringify(e)}\n\n`);
              last = e.seq;
            }
            if (batch.length < BATCH || closed) break;
          }
          if (!row || isTerminal(row.status)) {
            send(`event: end\ndata: ${JSON.stringify({ status: row?.status ?? null, lastSeq: last })}\n\n`);
            break;
          }
        }
      } catch (err) {
        log.warn("event stream failed", { conversationId, err });
      } finally {
        close();
        try {
          controller.close();
        } catch {
          // already cancelled by the client
        }
      }
    },
    cancel() {
      close();
    },
  });
}
