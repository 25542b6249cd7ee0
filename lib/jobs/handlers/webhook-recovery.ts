import { getDb } from "@/db";
import { getEnv } from "@/lib/env";
import { recoverAll } from "@/lib/webhook-installations/recovery";
import { normalizeBaseUrl } from "@/lib/webhook-installations/session";
import { log } from "@/lib/log";
import { resolverConfig } from "@/lib/resolver/config";
import type { JobHandler } from "../worker";

/** `hooks.recover`: one recovery pass over every installed hook (lib/webhook-installations/recovery.ts). */
export const hooksRecover: JobHandler<"hooks.recover"> = async (data) => {
  // The resolver's configuration: the same GitLab, bot and OAuth application the deliveries use.
  const config = await resolverConfig();
  const oauth = typeof config.oauth === "function" ? await config.oauth() : config.oauth;
  const handle = await getDb();
  const results = await recoverAll(handle, normalizeBaseUrl(oauth.baseUrl), { oauth: config.oauth, botToken: config.botToken, staleHours: getEnv().TRIGGER_STALE_HOURS });
  const summary = {
    reason: data.reason,
    hooks: results.length,
    recovered: results.reduce((n, r) => n + r.recovered, 0),
    reenabled: results.filter((r) => r.reenabled).length,
    stale: results.reduce((n, r) => n + r.stale, 0),
    failed: results.filter((r) => r.error).length,
  };
  if (summary.recovered > 0 || summary.reenabled > 0 || summary.stale > 0) log.info("missed deliveries recovered", summary);
  const failures = results.filter((r) => r.error);
  // GitLab down for every hook: the job is retried with backoff (definitions.ts), so recovery also
  // runs when GitLab comes back.
  if (failures.length > 0 && failures.every((r) => r.gitlabDown)) throw new Error(`GitLab unreachable for ${failures.length} webhook(s); retrying`);
  return summary;
};
