import { getEnv } from "@/lib/env";
import type { GitLabOAuthConfig } from "@/lib/gitlab/oauth";

/**
 * Where GitLab is and how we authenticate to it: the configured instance, or in demo mode the
 * built-in sandbox. Resolved per call because the demo sandbox starts asynchronously.
 */
export async function gitlabOAuthConfig(): Promise<GitLabOAuthConfig> {
  const env = getEnv();
  const redirectUri = `${env.APP_URL}/api/auth/callback/gitlab`;
  if (env.demoMode) {
    // Lazy (not to break a cycle): only demo mode loads the demo and its GitLab sandbox.
    const { startDemoGitLab } = await import("@/lib/demo/sandbox");
    const demo = await startDemoGitLab();
    return { baseUrl: demo.baseUrl, clientId: demo.clientId, clientSecret: demo.clientSecret, redirectUri };
  }
  if (!env.GITLAB_CLIENT_ID || !env.GITLAB_CLIENT_SECRET) {
    throw new Error("GitLab sign-in is not configured: set GITLAB_CLIENT_ID and GITLAB_CLIENT_SECRET (see README, 'Register the OAuth application')");
  }
  return { baseUrl: env.GITLAB_URL, clientId: env.GITLAB_CLIENT_ID, clientSecret: env.GITLAB_CLIENT_SECRET, redirectUri };
}

export const GITLAB_SCOPES = ["api", "read_user", "read_repository", "write_repository"] as const;
