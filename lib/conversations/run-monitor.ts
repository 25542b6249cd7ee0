import type { Database } from "@/db/client";
import { log } from "@/lib/log";
import { beatHeartbeat, getRunState } from "./queries";

export interface RunMonitorOptions {
  heartbeatMs: number;
  /** how often to look for a cancel request; cancel must kill the agent within 2 s */
  cancelPollMs?: number;
  onCancel(): void;
  /** the row left starting/running behind our back (the sweeper gave up on us): stop working */
  onLost(): void;
}

/**
 * While a run works: prove the worker is alive (heartbeat_at, on the database clock so workers on
 * different machines agree with the sweeper), and watch for a cancel request. Polling the row is
 * simple and works the same on PGlite and Postgres; at 2 reads a second per active run it is cheap.
 */
export function startRunMonitor(db: Database, conversationId: string, opts: RunMonitorOptions): { stop(): Promise<void> } {
  let stopped = false;
  let cancelled = false;
  let lost = false;
  const stopWaiters = new Set<() => void>();

  const beat = async () => {
    const live = await beatHeartbeat(db, conversationId);
    if (!live && !lost) {
      lost = true;
      opts.onLost();
    }
  };
  const poll = async () => {
    const row = await getRunState(db, conversationId);
    if (row?.cancelRequestedAt && !cancelled) {
      cancelled = true;
      opts.onCancel();
    } else if ((!row || (row.status !== "starting" && row.status !== "running")) && !lost) {
      lost = true;
      opts.onLost();
    }
  };

  const loop = (fn: () => Promise<void>, everyMs: number): Promise<void> =>
    (async () => {
      while (!stopped) {
        await new Promise<void>((resolve) => {
          const wake = () => {
            clearTimeout(t);
            stopWaiters.delete(wake);
            resolve();
          };
          const t = setTimeout(wake, everyMs);
          stopWaiters.add(wake);
        });
        if (stopped) break;
        await fn().catch((err: unknown) => log.warn("run monitor query failed", { conversationId, err }));
      }
    })();
  const loops = [loop(beat, opts.heartbeatMs), loop(poll, opts.cancelPollMs ?? 500)];
  return {
    async stop() {
      stopped = true;
      for (const wake of stopWaiters) wake();
      await Promise.all(loops);
    },
  };
}
