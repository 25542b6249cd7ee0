import { processEnqueuer, type RunEnqueuer } from "@/lib/conversations/enqueue";
import { getEnv } from "@/lib/env";
import { gitlabOAuthConfig } from "@/lib/gitlab/settings";
import type { OAuthConfigSource } from "@/lib/gitlab/tokens";

/**
 * What the resolver needs from the outside world. Production reads it from the validated env; the
 * integration tests swap in the sandbox's OAuth application and their own queue, because the
 * webhook job and the run lifecycles are called by the worker, far from the test's call stack.
 */
export interface ResolverConfig {
  /** public URL of the app, for the conversation links in comments */
  appUrl: string;
  /** GITLAB_BOT_TOKEN: when set, this account writes comments and merge requests */
  botToken: string | null;
  oauth: OAuthConfigSource;
  /** starts `agent.run` for a queued conversation */
  enqueueRun: RunEnqueuer;
  /** one refusal reply per author and issue/MR within this many hours */
  refusalWindowHours: number;
  /** backoff between attempts when GitLab fails while we post a comment (tests shorten it) */
  postRetryDelayMs: number;
}

let override: Partial<ResolverConfig> | null = null;

export async function resolverConfig(): Promise<ResolverConfig> {
  const env = getEnv();
  const defaults: ResolverConfig = {
    appUrl: env.APP_URL,
    botToken: env.GITLAB_BOT_TOKEN ?? null,
    oauth: gitlabOAuthConfig,
    enqueueRun: processEnqueuer,
    refusalWindowHours: env.REFUSAL_REPLY_WINDOW_HOURS,
    postRetryDelayMs: 1_000,
  };
  return { ...defaults, ...override };
}

/** Tests only: replace parts of the configuration (null restores the defaults). */
export function setResolverConfig(next: Partial<ResolverConfig> | null): void {
  override = next;
}

export function conversationUrl(config: Pick<ResolverConfig, "appUrl">, conversationId: string): string {
  return `${config.appUrl.replace(/\/+$/, "")}/conversations/${conversationId}`;
}
