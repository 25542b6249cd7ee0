import { redirect } from "next/navigation";
import { getDb } from "@/db";
import { ReconnectGitLab } from "@/components/reconnect-gitlab";
import { currentUser } from "@/lib/auth/current-user";
import { connectionState } from "@/lib/gitlab/connection-state";
import { WebhooksTable } from "./webhooks-table";

export const metadata = { title: "Integrations" };
export const dynamic = "force-dynamic";

export default async function IntegrationsPage() {
  const user = await currentUser();
  if (!user) redirect("/sign-in?callbackUrl=/settings/integrations");
  const { db } = await getDb();
  const connection = await connectionState(db, user.id);
  return (
    <section aria-labelledby="gitlab-heading" className="rounded-lg border border-slate-200 bg-white p-6">
      <h2 id="gitlab-heading" className="text-lg font-semibold">
        GitLab
      </h2>
      <div className="mt-4" data-testid="gitlab-connection">
        {connection.state === "connected" ? (
          <p className="flex items-center gap-2 text-sm">
            <span aria-hidden className="h-2 w-2 rounded-full bg-emerald-500" />
            Connected as <strong>@{connection.username}</strong> on <span className="font-mono">{new URL(connection.baseUrl).host}</span>
          </p>
        ) : connection.state === "unreachable" ? (
          <p role="alert" className="text-sm text-red-700">
            Connected as @{connection.username}, but GitLab is unreachable: {connection.message}
          </p>
        ) : (
          <ReconnectGitLab callbackUrl="/settings/integrations" />
        )}
      </div>
      {connection.state === "connected" ? (
        <div className="mt-8" data-testid="gitlab-webhooks">
          <h3 className="text-base font-semibold">Webhooks</h3>
          <p className="mt-1 mb-4 text-sm text-slate-600">
            GitLab groups, and projects not in any group, that your token can see. The webhook is installed automatically where you are Owner (groups)
            or Maintainer (projects), and checked live each time this page loads.
          </p>
          <WebhooksTable />
        </div>
      ) : null}
    </section>
  );
}
