import type { Database } from "@/db/client";
import type { CipherKit } from "@/lib/crypto";
import { insertUser } from "@/lib/users/testing/queries";
import type { GitLabOAuthConfig } from "../oauth";
import { saveConnection } from "../tokens";
import { fetchCurrentUser, oauthLogin, type OAuthLoginResult } from "./oauth-login";

/**
 * Test helper: signs `username` in to GitLab (the sandbox) through the real OAuth flow, creates the
 * app's user row and stores the connection as sign-in would. Returns the issued pair so tests can
 * look for it (it must never be found in plaintext in the database).
 */
export interface ConnectedUser {
  userId: string;
  connectionId: string;
  gitlabUserId: number;
  tokens: OAuthLoginResult;
}

export async function connectUser(
  db: Database,
  oauth: GitLabOAuthConfig,
  login: { username: string; password: string },
  opts: { cipher?: CipherKit } = {},
): Promise<ConnectedUser> {
  const tokens = await oauthLogin({ ...oauth, ...login });
  const me = await fetchCurrentUser(oauth.baseUrl, tokens.accessToken);
  const user = await insertUser(db, { gitlabBaseUrl: oauth.baseUrl, gitlabUserId: me.id, username: me.username, name: me.name });
  const { id } = await saveConnection(
    db,
    {
      userId: user.id,
      baseUrl: oauth.baseUrl,
      gitlabUserId: me.id,
      username: me.username,
      accessToken: tokens.accessToken,
      refreshToken: tokens.refreshToken,
      expiresAt: tokens.expiresAt,
      scopes: tokens.scopes ?? [],
    },
    opts,
  );
  return { userId: user.id, connectionId: id, gitlabUserId: me.id, tokens };
}
