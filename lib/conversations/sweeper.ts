import type { Database } from "@/db/client";
import { log } from "@/lib/log";
import type { OAuthConfigSource } from "@/lib/gitlab/tokens";
import type { RunEnqueuer } from "./enqueue";
import { appendEventLocked } from "./events";
import { abortLifecycle } from "./abort-lifecycle";
import { isRunStillStale, jobQueueExists, listQueuedWithoutJob, listStaleRuns, lockConversationRow } from "./queries";
import type { RunLifecycles } from "./run-lifecycle";
import { activeStatuses, applyTransition } from "./status";

export interface SweepOptions {
  /** a starting/running conversation whose heartbeat is older than this was abandoned by its worker */
  staleAfterMs: number;
  /** a queued conversation older than this with no live agent.run job is enqueued again */
  requeueAfterMs?: number;
  enqueue: RunEnqueuer;
  /** the lifecycles told about an interrupted run (lib/resolver/run-lifecycle) */
  lifecycles: RunLifecycles;
  /** where GitLab is, for the lifecycles told about an interrupted run */
  oauth?: OAuthConfigSource;
}

export interface SweepReport {
  interrupted: string[];
  requeued: string[];
}

const INTERRUPTED = "interrupted";

/**
 * Repairs what dead workers leave behind. Any number of workers may sweep at once: each candidate
 * is re-checked under its row lock, so exactly one sweeper ends a given run and tells its lifecycle.
 * Times are compared on the database clock, the same clock heartbeats are written with.
 */
export async function sweepConversations(db: Database, opts: SweepOptions): Promise<SweepReport> {
  const candidates = await listStaleRuns(db, opts.staleAfterMs);
  const interrupted: string[] = [];
  for (const { id } of candidates) {
    const ended = await db.transaction(async (tx) => {
      const row = await lockConversationRow(tx, id);
      if (!row || !activeStatuses.includes(row.status)) return null;
      if (!(await isRunStillStale(tx, id, opts.staleAfterMs))) return null;
      await appendEventLocked(tx, id, { kind: "error", message: "The run was interrupted: its worker stopped responding (crashed or was killed)." });
      await appendEventLocked(tx, id, { kind: "result", outcome: "failed", summary: "The run was interrupted.", changedFiles: [] });
      return applyTransition(tx, row, "failed", { reason: INTERRUPTED, patch: { outcome: "failed", error: INTERRUPTED, summary: "The run was interrupted." } });
    });
    if (!ended) continue;
    interrupted.push(id);
    log.warn("conversation interrupted: its worker stopped sending heartbeats", { conversationId: id });
    await abortLifecycle(db, ended, INTERRUPTED, { lifecycles: opts.lifecycles, oauth: opts.oauth });
  }

  const requeued = await requeueOrphans(db, opts).catch((err: unknown) => {
    log.warn("could not look for queued conversations without a job", { err });
    return [];
  });
  return { interrupted, requeued };
}

/** Queued conversations whose job was never sent (the enqueue after commit failed) get one now. */
async function requeueOrphans(db: Database, opts: SweepOptions): Promise<string[]> {
  const requeued: string[] = [];
  // Until the queue has started once, its schema does not exist and no job can be missing.
  if (!(await jobQueueExists(db))) return requeued;
  const orphans = await listQueuedWithoutJob(db, opts.requeueAfterMs ?? 120_000);
  for (const { id } of orphans) {
    try {
      await opts.enqueue(id);
      requeued.push(id);
    } catch (err) {
      log.warn("could not re-enqueue a queued conversation", { conversationId: id, err });
    }
  }
  if (requeued.length) log.info("re-enqueued queued conversations that had no job", { count: requeued.length });
  return requeued;
}

/** Sweep now and then every `everyMs` until stopped (in each worker process). */
/**
 * Whether a sweep tick should stand aside because this process itself was just frozen (a long GC, a
 * blocked event loop, a suspended VM): its own runs could not beat their heartbeats either, and the
 * overdue timers fire in creation order, so the sweeper could see our own live runs as stale before
 * their heartbeats are written. Standing aside once costs one interval; never twice in a row, so a
 * process whose timers are always late still sweeps. (Seen once in e2e: a 27 s pause of the web
 * process interrupted its own healthy run.)
 */
export function pausedBeforeTick(lastTickAt: number, now: number, everyMs: number, skippedLast: boolean): boolean {
  return !skippedLast && now - lastTickAt > everyMs + PAUSE_TOLERANCE_MS;
}
const PAUSE_TOLERANCE_MS = 1_000;

export function startSweeper(db: Database, opts: SweepOptions & { everyMs: number }): { stop(): Promise<void> } {
  let current: Promise<unknown> | null = null;
  let lastTickAt = Date.now();
  let skippedLast = false;
  const tick = () => {
    const now = Date.now();
    const paused = pausedBeforeTick(lastTickAt, now, opts.everyMs, skippedLast);
    lastTickAt = now;
    skippedLast = paused;
    if (paused) return;
    // A slow sweep is not stacked on: the next tick simply skips.
    if (current) return;
    current = sweepConversations(db, opts)
      .catch((err: unknown) => log.warn("conversation sweep failed", { err }))
      .finally(() => (current = null));
  };
  tick();
  const timer = setInterval(tick, opts.everyMs);
  timer.unref?.();
  return {
    async stop() {
      clearInterval(timer);
      await current;
    },
  };
}
