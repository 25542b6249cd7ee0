import type { Database } from "@/db/client";
import { listActiveConnections } from "@/lib/gitlab/queries";
import { jobDefinitions } from "@/lib/jobs/definitions";
import type { JobQueue } from "@/lib/jobs/queue";
import { getQueue } from "@/lib/jobs/send";
import { log } from "@/lib/log";
import { normalizeBaseUrl } from "./session";

export type SyncReason = "sign_in" | "schedule" | "manual";

/**
 * Queues `hooks.sync` for a user. The queue is "stately" and keyed by user id, so at most one sync
 * per user waits and one runs, whichever worker picks it: a second request while one is queued is
 * simply absorbed (null).
 */
export async function enqueueHooksSync(queue: JobQueue, userId: string, reason: SyncReason): Promise<string | null> {
  const data = jobDefinitions["hooks.sync"].schema.parse({ userId, reason });
  return queue.boss.send("hooks.sync", data, { singletonKey: userId });
}

/** Users whose GitLab connection is usable on this instance: the periodic sweep syncs each of them. */
export async function usersToSync(db: Database, baseUrl: string): Promise<string[]> {
  const rows = await listActiveConnections(db);
  const wanted = normalizeBaseUrl(baseUrl).toLowerCase();
  return rows.filter((r) => normalizeBaseUrl(r.baseUrl).toLowerCase() === wanted).map((r) => r.userId);
}

/**
 * After a sign-in: queue the user's sync without ever delaying or failing the sign-in itself
 * (the queue may still be starting, or the database busy). Errors are logged, not thrown.
 */
export function syncAfterSignIn(userId: string): void {
  void (async () => {
    await enqueueHooksSync(await getQueue(), userId, "sign_in");
  })().catch((err: unknown) => {
    log.warn("could not queue the webhook sync after sign-in", { userId, err });
  });
}
