import { getDb } from "@/db";
import { PageHeader } from "@/components/app-shell";
import { Badge } from "@/components/ui/badge";
import { checkHealth } from "@/lib/health";
import { getQueue } from "@/lib/jobs/send";
import { appVersion } from "@/lib/version";

export const metadata = { title: "Status" };
export const dynamic = "force-dynamic";

const parts = [
  { key: "db", name: "Database", what: "conversations, settings and keys are stored here" },
  { key: "queue", name: "Job queue", what: "runs the agent and installs webhooks" },
] as const;

/**
 * The footer's "status" as a page people can read (issue 17: it opened raw JSON). Monitors keep
 * using /api/health, which answers the same check as JSON.
 */
export default async function StatusPage() {
  const report = await checkHealth(getDb, getQueue, appVersion);
  return (
    <>
      <PageHeader
        title="Status"
        description={
          <>
            Version {report.version}. Monitoring tools can poll <a className="underline" href="/api/health">/api/health</a> (JSON).
          </>
        }
      />
      <section className="rounded-lg border border-slate-200 bg-white p-5" data-testid="status">
        <p className="flex items-center gap-2 font-medium">
          <Badge tone={report.status === "ok" ? "success" : "danger"} data-testid="status-overall">
            {report.status === "ok" ? "All systems working" : "Degraded"}
          </Badge>
        </p>
        <ul className="mt-4 divide-y divide-slate-100">
          {parts.map((p) => (
            <li key={p.key} className="flex flex-wrap items-center justify-between gap-2 py-3 text-sm">
              <span>
                <span className="font-medium">{p.name}</span> <span className="text-slate-500">({p.what})</span>
              </span>
              <span className="flex items-center gap-2">
                {report[p.key] === "ok" ? <Badge tone="success">Working</Badge> : <Badge tone="danger">Down</Badge>}
                {report.errors?.[p.key] ? <span className="text-xs text-red-700">{report.errors[p.key]}</span> : null}
              </span>
            </li>
          ))}
        </ul>
      </section>
    </>
  );
}
