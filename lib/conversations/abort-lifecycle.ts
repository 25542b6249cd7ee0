import type { Database } from "@/db/client";
import type { Conversation } from "@/db/schema";
import { gitlabOAuthConfig } from "@/lib/gitlab/settings";
import type { OAuthConfigSource } from "@/lib/gitlab/tokens";
import { log } from "@/lib/log";
import { Redactor, runSecrets } from "@/lib/redaction";
import type { RunLifecycles } from "./run-lifecycle";

/**
 * Tell a GitLab-triggered conversation's lifecycle that its run ended without reaching `finish`
 * (cancelled before it started, interrupted). Never throws: the status change it follows is
 * already committed and must not be undone by a comment that could not be posted.
 */
export async function abortLifecycle(
  db: Database,
  conversation: Conversation,
  reason: string,
  opts: { lifecycles: RunLifecycles; oauth?: OAuthConfigSource },
): Promise<void> {
  const abort = opts.lifecycles[conversation.trigger]?.abort;
  if (!abort) return;
  try {
    const source = opts.oauth ?? gitlabOAuthConfig;
    const baseUrl = (typeof source === "function" ? await source() : source).baseUrl.replace(/\/+$/, "");
    await abort({ db, conversation, baseUrl, signal: AbortSignal.timeout(60_000), redactor: new Redactor(runSecrets({})) }, reason);
  } catch (err) {
    log.error("run lifecycle abort failed", { conversationId: conversation.id, err });
  }
}
