import Link from "next/link";
import { getDb } from "@/db";
import { PageHeader } from "@/components/app-shell";
import { ReconnectGitLab } from "@/components/reconnect-gitlab";
import { currentUser } from "@/lib/auth/current-user";
import { connectionState } from "@/lib/gitlab/connection-state";
import { demoBannerInfo } from "@/lib/demo/banner-info";
import { agentIntro, tryIt } from "@/lib/demo/try-it";
import { ButtonLink } from "@/components/ui/button";
import { OpenRepositoryClient } from "./_components/open-repository-client";
import { RecentConversations } from "./_components/recent-conversations";

export const dynamic = "force-dynamic";

export default async function HomePage() {
  const user = await currentUser();
  if (!user) {
    return (
      <>
        <PageHeader title="Open Repository" description="Pick a GitLab repository and branch, then launch a conversation with the coding agent." />
        <section className="rounded-lg border border-slate-200 bg-white p-6" data-testid="open-repository">
          <p className="text-sm text-slate-600">Sign in with your GitLab account to see your repositories.</p>
          <ButtonLink href="/sign-in" className="mt-4">
            Sign in with GitLab
          </ButtonLink>
        </section>
      </>
    );
  }
  const { db } = await getDb();
  const connection = await connectionState(db, user.id);
  const intro = agentIntro();
  const demo = demoBannerInfo();
  return (
    <>
      <PageHeader title="Open Repository" description="Pick a GitLab repository and branch, then launch a conversation with the coding agent." />
      <section className="rounded-lg border border-slate-200 bg-white p-6" data-testid="open-repository">
        {connection.state === "needs_reauth" || connection.state === "none" ? (
          <ReconnectGitLab />
        ) : connection.state === "unreachable" ? (
          <div role="alert" className="rounded-md bg-red-50 p-4 text-sm text-red-800">
            <p className="font-medium">GitLab is unreachable right now.</p>
            <p className="mt-1">{connection.message}</p>
            <Link href="/" className="mt-2 inline-block underline">
              Try again
            </Link>
          </div>
        ) : (
          <OpenRepositoryClient agent={intro} tryIt={demo ? tryIt(demo.sandboxUrl, intro) : null} />
        )}
      </section>
      <RecentConversations userId={user.id} />
    </>
  );
}
