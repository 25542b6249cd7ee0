import { signInWithGitLab } from "@/app/actions/sign-in-with-gitlab";
import { DemoBanner } from "@/components/demo-banner";
import { demoBannerInfo } from "@/lib/demo/banner-info";
import { getEnv } from "@/lib/env";
import { Button } from "@/components/ui/button";

export const metadata = { title: "Sign in" };
export const dynamic = "force-dynamic";

// next-auth's error codes, in words a person can act on.
const errorText: Record<string, string> = {
  AccessDenied: "GitLab did not grant access. Sign in again and choose Authorize.",
  OAuthCallbackError: "GitLab refused the sign-in. Check that the OAuth application's redirect URI matches this app.",
  Configuration: "Sign-in is misconfigured on this server (GitLab URL, client id or secret). Ask an administrator to check the configuration.",
  Verification: "The sign-in link expired. Please try again.",
};

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ callbackUrl?: string; error?: string }> }) {
  const { callbackUrl, error } = await searchParams;
  const demo = demoBannerInfo();
  const instance = demo ? "the built-in GitLab sandbox" : new URL(getEnv().GITLAB_URL).host;
  return (
    <div className="min-h-screen">
      <DemoBanner />
      <main className="grid place-items-center px-4 py-16">
        <div className="w-full max-w-sm rounded-xl border border-slate-200 bg-white p-8 shadow-sm">
          <h1 className="text-xl font-semibold">Sign in</h1>
          <p className="mt-2 text-sm text-slate-600">Use your GitLab account on {instance} to open repositories and manage webhooks.</p>
          {error ? (
            <p role="alert" className="mt-4 rounded-md bg-red-50 p-3 text-sm text-red-800">
              {errorText[error] ?? "Sign-in failed. Please try again."}
            </p>
          ) : null}
          <form action={signInWithGitLab} className="mt-6">
            <input type="hidden" name="callbackUrl" value={callbackUrl ?? "/"} />
            {/* The app's one primary colour, like every other button (issue 17). */}
            <Button type="submit" className="w-full">
              Sign in with GitLab
            </Button>
          </form>
          {demo ? (
            <div className="mt-6 rounded-md bg-slate-100 p-3 text-sm text-slate-700" data-testid="demo-credentials">
              <p className="font-medium">Demo account</p>
              <p>
                Username <code className="whitespace-nowrap rounded bg-white px-1">{demo.username}</code>, password{" "}
                <code className="whitespace-nowrap rounded bg-white px-1" data-testid="demo-password">
                  {demo.password}
                </code>
              </p>
            </div>
          ) : null}
        </div>
      </main>
    </div>
  );
}
