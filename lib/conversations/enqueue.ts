import { getEnv } from "@/lib/env";
import type { JobQueue } from "@/lib/jobs/queue";
import { jobDefinitions } from "@/lib/jobs/definitions";
import { getQueue } from "@/lib/jobs/send";

/** Starts (eventually) a run of a queued conversation. Injected so tests can use their own queue. */
export type RunEnqueuer = (conversationId: string) => Promise<void>;

/** The job's lease: the agent's time limit plus room for cloning, committing and pushing. */
const LEASE_MARGIN_SECONDS = 900;

/**
 * Send one `agent.run` job. Duplicates are harmless: the run claims the conversation with a
 * queued → starting transition under a row lock, so a second job for it finds nothing to do.
 */
export async function enqueueAgentRun(queue: JobQueue, conversationId: string, timeoutSeconds: number): Promise<void> {
  const data = jobDefinitions["agent.run"].schema.parse({ conversationId });
  await queue.send("agent.run", data, { expireInSeconds: Math.min(timeoutSeconds + LEASE_MARGIN_SECONDS, 23 * 3600) });
}

export function queueEnqueuer(queue: JobQueue, timeoutSeconds: number): RunEnqueuer {
  return (conversationId) => enqueueAgentRun(queue, conversationId, timeoutSeconds);
}

/** Through the process-wide queue (lib/jobs/send.ts). */
export const processEnqueuer: RunEnqueuer = async (conversationId) => {
  await enqueueAgentRun(await getQueue(), conversationId, getEnv().AGENT_TIMEOUT);
};
