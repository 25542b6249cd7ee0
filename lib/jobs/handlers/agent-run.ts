import { createRuntime } from "@/lib/agent/runtime";
import { agentSettings } from "@/lib/conversations/agent-settings";
import { processEnqueuer } from "@/lib/conversations/enqueue";
import { runConversation, type RunDeps } from "@/lib/conversations/run";
import { Semaphore } from "@/lib/conversations/semaphore";
import { processWorkDir } from "@/lib/agent/work-dirs";
import { getEnv } from "@/lib/env";
import { gitlabOAuthConfig } from "@/lib/gitlab/settings";
import { withModelEndpoint } from "@/lib/model-endpoint";
import { runLifecycles } from "@/lib/resolver/run-lifecycle";
import type { JobHandler } from "../worker";

/**
 * `agent.run`. The worker runs AGENT_CONCURRENCY fetch loops for this queue; the semaphore is the
 * process-wide guarantee on top (several workers in one process, e.g. tests, share it).
 */
export function createAgentRunHandler(deps: () => RunDeps, slots: Semaphore): JobHandler<"agent.run"> {
  return async (data, ctx) => {
    const release = await slots.acquire();
    try {
      return await runConversation(ctx.db, data.conversationId, deps(), ctx.signal);
    } finally {
      release();
    }
  };
}

/** The deployment's run dependencies, from the environment (read when the first job runs). */
export function runDepsFromEnv(): RunDeps {
  const env = getEnv();
  const settings = agentSettings(env);
  return {
    oauth: gitlabOAuthConfig,
    runtime: withModelEndpoint(createRuntime(settings.runtimeConfig), env),
    timeoutMs: settings.timeoutMs,
    heartbeatMs: settings.heartbeatMs,
    enqueue: processEnqueuer,
    appUrl: env.APP_URL,
    workDir: processWorkDir(),
    setupTimeoutMs: env.AGENT_SETUP_TIMEOUT * 1000,
    lifecycles: runLifecycles,
  };
}

let semaphore: Semaphore | undefined;
export const agentRun: JobHandler<"agent.run"> = (data, ctx) => {
  semaphore ??= new Semaphore(getEnv().AGENT_CONCURRENCY);
  return createAgentRunHandler(runDepsFromEnv, semaphore)(data, ctx);
};
