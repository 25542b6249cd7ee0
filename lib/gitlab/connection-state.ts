import type { Database } from "@/db/client";
import { getConnectionSummary } from "@/lib/gitlab/queries";
import { withUserGitLab } from "@/lib/gitlab/client";
import { GitLabError, NeedsReauthError } from "@/lib/gitlab/errors";
import { gitlabOAuthConfig } from "@/lib/gitlab/settings";

export type ConnectionState =
  | { state: "connected"; username: string; baseUrl: string }
  | { state: "needs_reauth"; username: string; baseUrl: string }
  | { state: "unreachable"; username: string; baseUrl: string; message: string }
  | { state: "none" };

/**
 * What the UI should say about the user's GitLab connection.
 */
export async function connectionState(db: Database, userId: string): Promise<ConnectionState> {
  const summary = await getConnectionSummary(db, userId);
  if (!summary) return { state: "none" };
  const who = { username: summary.username, baseUrl: summary.baseUrl };
  if (summary.status === "needs_reauth") return { state: "needs_reauth", ...who };
  try {
    // One cheap call proves the token works: a revoked grant (user removed the app in GitLab) turns
    // into needs_reauth here, on page load, rather than on the user's next click.
    await withUserGitLab(db, userId, gitlabOAuthConfig, (api) => api.Users.showCurrentUser());
    return { state: "connected", ...who };
  } catch (err) {
    if (err instanceof NeedsReauthError) return { state: "needs_reauth", ...who };
    if (err instanceof GitLabError) return { state: "unreachable", ...who, message: err.message };
    throw err;
  }
}
