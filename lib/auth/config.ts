import NextAuth, { type NextAuthConfig } from "next-auth";
import { getDb } from "@/db";
import { getEnv } from "@/lib/env";
import { log } from "@/lib/log";
import { gitlabOAuthConfig, GITLAB_SCOPES } from "@/lib/gitlab/settings";
import { syncAfterSignIn } from "@/lib/webhook-installations/enqueue";
import { gitlabProfile, recordSignIn } from "./record-sign-in";

/**
 * Sign in with GitLab (authorization code + PKCE) against GITLAB_URL or the demo sandbox. The
 * endpoints are spelled out rather than derived by the stock provider, which would drop a
 * self-managed instance's path prefix (https://example.com/gitlab).
 *
 * Sessions are JWTs holding only our user id. The OAuth tokens never go into the session or the
 * next-auth adapter tables (which store them in plaintext): the jwt callback hands them to the
 * token store, which encrypts them.
 */
async function buildConfig(): Promise<NextAuthConfig> {
  const env = getEnv();
  // next-auth derives callback URLs from the incoming request's origin, which behind a proxy differs
  // from the public URL and breaks the redirect_uri match. AUTH_URL pins it to APP_URL (next-auth
  // reads it from the environment). Note Next rewrites 127.0.0.1 to localhost in request URLs, so a
  // local APP_URL must use "localhost" (the default).
  process.env.AUTH_URL ??= `${env.APP_URL}/api/auth`;
  const oauth = await gitlabOAuthConfig();
  return {
    secret: env.AUTH_SECRET,
    trustHost: true,
    session: { strategy: "jwt", maxAge: 30 * 24 * 3600 },
    pages: { signIn: "/sign-in", error: "/sign-in" },
    providers: [
      {
        id: "gitlab",
        name: "GitLab",
        type: "oauth",
        clientId: oauth.clientId,
        clientSecret: oauth.clientSecret,
        checks: ["pkce", "state"],
        authorization: { url: `${oauth.baseUrl}/oauth/authorize`, params: { scope: GITLAB_SCOPES.join(" ") } },
        token: `${oauth.baseUrl}/oauth/token`,
        userinfo: `${oauth.baseUrl}/api/v4/user`,
        profile(profile) {
          const p = gitlabProfile.parse(profile);
          return { id: String(p.id), name: p.name, email: p.email ?? null, image: p.avatar_url ?? null };
        },
      },
    ],
    callbacks: {
      async jwt({ token, account, profile }) {
        if (account && profile) {
          const { db } = await getDb();
          const user = await recordSignIn(db, { baseUrl: oauth.baseUrl, profile, account });
          log.info("signed in", { userId: user.id, gitlabUser: user.username });
          token.uid = user.id;
          await onSignedIn(user.id);
        }
        return token;
      },
      session({ session, token }) {
        if (typeof token.uid === "string") session.user.id = token.uid;
        return session;
      },
    },
  };
}

/** Work that follows a sign-in (webhook sync, …); failures never block signing in. */
async function onSignedIn(userId: string): Promise<void> {
  try {
    // Fire and forget: queues hooks.sync (install our webhook where this user may) without waiting
    // for the queue, and logs instead of throwing.
    syncAfterSignIn(userId);
  } catch (err) {
    log.warn("could not schedule the webhook sync after sign-in", { userId, err });
  }
}

export const { handlers, auth, signIn, signOut } = NextAuth(buildConfig);
