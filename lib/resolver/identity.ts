import { z } from "zod";
import type { Database } from "@/db/client";
import { sha256Hex } from "@/lib/crypto";
import { withGitLab, type GitLabApi } from "@/lib/gitlab/client";
import { parseOne } from "@/lib/gitlab/paging";
import { getAccessToken } from "@/lib/gitlab/tokens";
import { gitlabApiWithHeaders } from "@/lib/gitlab/traced-client";
import type { ResolverConfig } from "./config";

/**
 * Who writes the app's comments and merge requests: the bot account of GITLAB_BOT_TOKEN when one is
 * configured, otherwise the user the work is for (the triggering author). Either way we know the
 * GitLab user id the comments appear under, which the loop guard needs: with a bot, every note by
 * that id is ours; with user tokens, the hidden marker is what tells our notes from the user's.
 */
export interface PostingIdentity {
  api: GitLabApi;
  kind: "bot" | "user";
  /** GitLab user id the comments will be authored by */
  gitlabUserId: number | null;
}

export interface IdentityOptions {
  baseUrl: string;
  /** X-Gitlab-Event-UUID of the delivery being handled, passed on every call */
  eventUuid?: string | null;
}

const headersFor = (opts: IdentityOptions): Record<string, string> => (opts.eventUuid ? { "X-Gitlab-Event-UUID": opts.eventUuid } : {});

const meSchema = z.object({ id: z.number().int(), username: z.string() }).loose();
// The bot's user id never changes for a token; look it up once per process and token.
const botUserIds = new Map<string, Promise<number>>();

export async function botIdentity(config: Pick<ResolverConfig, "botToken">, opts: IdentityOptions): Promise<PostingIdentity | null> {
  if (!config.botToken) return null;
  const api = gitlabApiWithHeaders({ baseUrl: opts.baseUrl, token: config.botToken, headers: headersFor(opts) });
  const cacheKey = `${opts.baseUrl}|${sha256Hex(config.botToken)}`;
  let id = botUserIds.get(cacheKey);
  if (!id) {
    id = withGitLab(() => api.Users.showCurrentUser()).then((raw) => parseOne(raw, meSchema, "user").id);
    botUserIds.set(cacheKey, id);
    id.catch(() => botUserIds.delete(cacheKey));
  }
  return { api, kind: "bot", gitlabUserId: await id };
}

/** A client on the app user's own connection (refreshed first when it is about to expire). */
export async function userIdentity(db: Database, config: Pick<ResolverConfig, "oauth">, userId: string, gitlabUserId: number | null, opts: IdentityOptions): Promise<PostingIdentity> {
  const token = await getAccessToken(db, userId, { oauth: config.oauth });
  return { api: gitlabApiWithHeaders({ baseUrl: opts.baseUrl, token, headers: headersFor(opts) }), kind: "user", gitlabUserId };
}

/** The bot when configured, else the given user. */
export async function postingIdentity(db: Database, config: Pick<ResolverConfig, "botToken" | "oauth">, user: { userId: string; gitlabUserId: number | null }, opts: IdentityOptions): Promise<PostingIdentity> {
  return (await botIdentity(config, opts)) ?? userIdentity(db, config, user.userId, user.gitlabUserId, opts);
}
