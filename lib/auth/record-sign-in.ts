import { z } from "zod";
import type { Database } from "@/db/client";
import type { User } from "@/db/schema";
import type { CipherKit } from "@/lib/crypto";
import { GITLAB_SCOPES } from "@/lib/gitlab/settings";
import { saveConnection } from "@/lib/gitlab/tokens";
import { upsertGitLabUser } from "@/lib/users/queries";

/** The GitLab profile next-auth hands over (GET /api/v4/user), parsed: it comes from outside. */
export const gitlabProfile = z.object({
  id: z.number().int(),
  username: z.string(),
  name: z.string(),
  email: z.string().nullish(),
  avatar_url: z.string().nullish(),
});

/** The token part of next-auth's `account` on sign-in. */
export interface SignInTokens {
  access_token?: string;
  refresh_token?: string;
  /** seconds since the epoch */
  expires_at?: number;
  scope?: string;
}

/**
 * What a GitLab sign-in records: the user row (GitLab id, username, name, avatar) and the
 * connection, whose tokens the token store encrypts. Nothing else keeps the tokens: the session
 * JWT carries only our user id.
 */
export async function recordSignIn(
  db: Database,
  input: { baseUrl: string; profile: unknown; account: SignInTokens },
  opts: { cipher?: CipherKit } = {},
): Promise<User> {
  const p = gitlabProfile.parse(input.profile);
  if (!input.account.access_token) throw new Error("GitLab returned no access token");
  const user = await upsertGitLabUser(db, input.baseUrl, { id: p.id, username: p.username, name: p.name, email: p.email, avatarUrl: p.avatar_url });
  await saveConnection(
    db,
    {
      userId: user.id,
      baseUrl: input.baseUrl,
      gitlabUserId: p.id,
      username: p.username,
      accessToken: input.account.access_token,
      refreshToken: input.account.refresh_token ?? null,
      expiresAt: input.account.expires_at ? new Date(input.account.expires_at * 1000) : null,
      scopes: input.account.scope ?? GITLAB_SCOPES.join(" "),
    },
    opts,
  );
  return user;
}
