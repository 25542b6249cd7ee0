import type { Database } from "@/db/client";
import { NeedsReauthError } from "@/lib/gitlab/errors";
import { ACCESS_LEVEL, accessLevelName, getEffectiveAccessLevel } from "@/lib/gitlab/members";
import type { ResolverConfig } from "./config";
import type { RefusalReason } from "./comments";
import { botIdentity, userIdentity, type IdentityOptions } from "./identity";
import { findLinkedUser } from "./queries";

/**
 * Who may start the agent (product.md §4): someone with at least Developer access to the project
 * (effective access, inherited from groups included) AND a linked account in this app for that
 * GitLab user on this instance: the run uses their token, so without one there is nobody to act for.
 */

export interface LinkedUser {
  userId: string;
  gitlabUserId: number;
  username: string;
}

export type RefusalKind = { kind: "not_linked" } | { kind: "reauth" } | { kind: "access"; levelName: string };

export type PermissionResult =
  | { allowed: true; user: LinkedUser; accessLevel: number }
  | { allowed: false; reason: string; refusal: RefusalKind; user: LinkedUser | null };

/** The refusal reply's wording needs the app's URL for the "sign in" kinds. */
export function refusalReason(kind: RefusalKind, appUrl: string): RefusalReason {
  return kind.kind === "access" ? kind : { kind: kind.kind, appUrl };
}

export async function checkTriggerPermission(
  db: Database,
  config: Pick<ResolverConfig, "botToken" | "oauth">,
  input: { projectId: number; author: { gitlabUserId: number; username: string } } & IdentityOptions,
): Promise<PermissionResult> {
  const linked = await findLinkedUser(db, input.baseUrl, input.author.gitlabUserId);
  if (!linked) return { allowed: false, reason: `@${input.author.username} has no linked account in the app`, refusal: { kind: "not_linked" }, user: null };
  const user: LinkedUser = { userId: linked.userId, gitlabUserId: linked.gitlabUserId, username: linked.username };
  const reauth: PermissionResult = { allowed: false, reason: `@${input.author.username}'s GitLab connection must be reconnected`, refusal: { kind: "reauth" }, user };
  if (linked.connectionStatus !== "active") return reauth;
  let level: number;
  try {
    // The bot sees every member; without one, any member may read their own membership.
    const identity = (await botIdentity(config, input)) ?? (await userIdentity(db, config, user.userId, user.gitlabUserId, input));
    level = await getEffectiveAccessLevel(identity.api, input.projectId, input.author.gitlabUserId);
  } catch (err) {
    if (err instanceof NeedsReauthError) return reauth;
    throw err;
  }
  if (level < ACCESS_LEVEL.developer) {
    const name = accessLevelName(level);
    return { allowed: false, reason: `@${input.author.username} has ${name} access; Developer or higher is required`, refusal: { kind: "access", levelName: name }, user };
  }
  return { allowed: true, user, accessLevel: level };
}
