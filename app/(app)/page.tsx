import Link from "next/link";
import { getDb } from "@/db";
import { PageHeader } from "@/components/app-shell";
import { ReconnectGitLab } from "@/components/reconnect-gitlab";
import { currentUser } from "@/lib/auth/current-user";
import { connectionState } from "@/lib/gitlab-connection-state";
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
          <Link href="/sign-in" className="mt-4 inline-block rounded-md bg-brand-600 px-4 py-2 text-sm font-medium text-white hover:bg-brand-700">
            Sign in with GitLab
          </Link>
        </section>
      </>
    );
  }
  const { db } = await getDb();
  const connection = await connectionState(db, user.id);
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
          <OpenRepositoryClient />
        )}
      </section>
      <RecentConversations userId={user.id} />
    </>
  );
}
