import { jobDefinitions } from "@/lib/jobs/definitions";
import type { JobQueue } from "@/lib/jobs/queue";

/** The one singleton key of `hooks.recover`: a pass covers every hook, so one waits and one runs. */
const RECOVERY_KEY = "recover";

/** Queues a recovery pass (absorbed, null, when one is already waiting). */
export async function enqueueRecovery(queue: JobQueue, reason: "startup" | "schedule" | "reconnect" | "manual"): Promise<string | null> {
  const data = jobDefinitions["hooks.recover"].schema.parse({ reason });
  return queue.boss.send("hooks.recover", data, { singletonKey: RECOVERY_KEY });
}
