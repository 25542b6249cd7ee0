import { getEnv } from "@/lib/env";
import { NeedsReauthError } from "@/lib/gitlab/errors";
import { gitlabOAuthConfig } from "@/lib/gitlab/settings";
import { enqueueHooksSync, usersToSync } from "@/lib/webhook-installations/enqueue";
import { syncUserHooks } from "@/lib/webhook-installations/sync";
import { log } from "@/lib/log";
import type { JobHandler } from "../worker";

/** One user's webhook sync (lib/webhook-installations/sync.ts). A connection that needs re-authorising is skipped, not retried. */
export const hooksSync: JobHandler<"hooks.sync"> = async (data, ctx) => {
  const env = getEnv();
  try {
    return await syncUserHooks(ctx.db, data.userId, { oauth: gitlabOAuthConfig, appUrl: env.APP_URL, concurrency: env.HOOKS_SYNC_CONCURRENCY });
  } catch (err) {
    if (err instanceof NeedsReauthError) {
      log.info("webhook sync skipped: GitLab needs to be reconnected", { userId: data.userId, reason: err.reason });
      return { skipped: "needs_reauth" };
    }
    throw err;
  }
};

/** The periodic sweep (cron, HOOKS_SYNC_INTERVAL_MINUTES): one `hooks.sync` per connected user. */
export const hooksSweep: JobHandler<"hooks.sweep"> = async (_data, ctx) => {
  const config = await gitlabOAuthConfig();
  const users = await usersToSync(ctx.db, config.baseUrl);
  let queued = 0;
  for (const userId of users) if (await enqueueHooksSync(ctx.queue, userId, "schedule")) queued++;
  return { users: users.length, queued };
};
