"use client";

import { Fragment, useCallback, useEffect, useState } from "react";
import { ReconnectGitLab } from "@/components/reconnect-gitlab";
import type { WebhookRow } from "@/lib/hooks/view";
import { RecentDeliveries } from "./recent-deliveries";
import { AutoReviewToggle } from "./auto-review-toggle";
import { AlertStatus, RecoveryStatus, WebhookStatusBadge } from "./webhook-status";

type Load = { kind: "loading" } | { kind: "error"; code: string; message: string } | { kind: "ready"; rows: WebhookRow[]; total: number; page: number; perPage: number };

const keyOf = (r: Pick<WebhookRow, "resource_type" | "resource_id">) => `${r.resource_type}-${r.resource_id}`;

async function errorOf(res: Response): Promise<{ code: string; message: string }> {
  const body: unknown = await res.json().catch(() => null);
  const error = (body as { error?: { code?: unknown; message?: unknown } } | null)?.error;
  return {
    code: typeof error?.code === "string" ? error.code : `http_${res.status}`,
    message: typeof error?.message === "string" ? error.message : `The server answered ${res.status}.`,
  };
}

async function fetchRows(fresh: boolean, page: number): Promise<Load> {
  try {
    const res = await fetch(`/api/gitlab/webhooks?page=${page}${fresh ? "&fresh=1" : ""}`, { cache: "no-store" });
    if (!res.ok) return { kind: "error", ...(await errorOf(res)) };
    const body = (await res.json()) as { resources: WebhookRow[]; total: number; page: number; per_page: number };
    return { kind: "ready", rows: body.resources, total: body.total, page: body.page, perPage: body.per_page };
  } catch {
    return { kind: "error", code: "network", message: "Could not reach the server. Check your connection and try again." };
  }
}

/**
 * Settings › Integrations › GitLab webhooks. The seed's button rules: Reinstall is disabled when the
 * hook is installed; it reads `Reinstalling...` while running; one reinstall at a time for the whole
 * table (the other buttons are disabled); after a success it stays disabled; a failure shows under
 * the status badge; the list refreshes after every reinstall. The server enforces the same rules.
 */
export function WebhooksTable() {
  const [load, setLoad] = useState<Load>({ kind: "loading" });
  const [running, setRunning] = useState<string | null>(null);
  const [succeeded, setSucceeded] = useState<ReadonlySet<string>>(new Set());
  const [errors, setErrors] = useState<Readonly<Record<string, string>>>({});
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(new Set());

  const [page, setPage] = useState(1);
  const refresh = useCallback(async (fresh: boolean) => setLoad(await fetchRows(fresh, page)), [page]);

  useEffect(() => {
    let cancelled = false;
    void fetchRows(false, page).then((next) => {
      if (!cancelled) setLoad(next);
    });
    return () => {
      cancelled = true;
    };
  }, [page]);

  async function reinstall(row: WebhookRow) {
    const key = keyOf(row);
    setRunning(key);
    setErrors(({ [key]: _dropped, ...rest }) => rest);
    try {
      const res = await fetch("/api/gitlab/webhooks/reinstall", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ resource_type: row.resource_type, resource_id: row.resource_id }),
      });
      if (res.ok) {
        const body = (await res.json()) as { status: WebhookRow["status"]; error: string | null };
        if (body.status === "installed") setSucceeded((s) => new Set(s).add(key));
        else setErrors((e) => ({ ...e, [key]: body.error ?? "GitLab refused the webhook." }));
      } else {
        const { message } = await errorOf(res);
        setErrors((e) => ({ ...e, [key]: message }));
      }
    } catch {
      setErrors((e) => ({ ...e, [key]: "Could not reach the server. Try again." }));
    } finally {
      await refresh(true);
      setRunning(null);
    }
  }

  if (load.kind === "loading") {
    return (
      <p role="status" data-testid="webhooks-loading" className="py-6 text-sm text-slate-500">
        Loading webhooks…
      </p>
    );
  }
  if (load.kind === "error") {
    if (load.code === "needs_reauth") return <ReconnectGitLab callbackUrl="/settings/integrations" />;
    return (
      <div role="alert" data-testid="webhooks-error" className="rounded-md border border-red-200 bg-red-50 p-4 text-sm text-red-800">
        <p>Could not load the webhooks: {load.message}</p>
        <button type="button" onClick={() => void refresh(true)} className="mt-2 rounded-md border border-red-300 bg-white px-3 py-1 font-medium hover:bg-red-100">
          Try again
        </button>
      </div>
    );
  }
  if (load.rows.length === 0) {
    return (
      <p data-testid="webhooks-empty" className="rounded-md border border-dashed border-slate-300 p-6 text-center text-sm text-slate-600">
        No groups or personal projects visible to this token.
      </p>
    );
  }

  return (
    <div className="overflow-x-auto">
      <table className="w-full text-left text-sm" data-testid="webhooks-table">
        <thead className="border-b border-slate-200 text-xs uppercase tracking-wide text-slate-500">
          <tr>
            <th scope="col" className="py-2 pr-4 font-medium">Resource</th>
            <th scope="col" className="py-2 pr-4 font-medium">Type</th>
            <th scope="col" className="py-2 pr-4 font-medium">Status</th>
            <th scope="col" className="py-2 pr-4 font-medium">Auto-review</th>
            <th scope="col" className="py-2 font-medium">Action</th>
          </tr>
        </thead>
        <tbody>
          {load.rows.map((row) => {
            const key = keyOf(row);
            const open = expanded.has(key);
            const error = errors[key] ?? (row.status === "failed" ? row.error : null);
            const disabled = row.status === "installed" || running !== null || succeeded.has(key) || !row.can_manage;
            return (
              <Fragment key={key}>
                <tr data-testid={`webhook-row-${key}`} data-resource-path={row.full_path} className="border-b border-slate-100 align-top">
                  <td className="py-3 pr-4">
                    <a href={row.web_url} target="_blank" rel="noreferrer" className="font-medium text-slate-900 hover:underline">
                      {row.name}
                    </a>
                    <div className="font-mono text-xs text-slate-500">{row.full_path}</div>
                    <button
                      type="button"
                      aria-expanded={open}
                      data-testid={`deliveries-toggle-${key}`}
                      onClick={() => setExpanded((s) => (s.has(key) ? new Set([...s].filter((k) => k !== key)) : new Set(s).add(key)))}
                      className="mt-1 text-xs text-brand-600 hover:underline"
                    >
                      {open ? "▾" : "▸"} Recent deliveries
                    </button>
                  </td>
                  <td className="py-3 pr-4 text-slate-700">{row.resource_type}</td>
                  <td className="py-3 pr-4">
                    <WebhookStatusBadge status={row.status} testId={`webhook-status-${key}`} />
                    {error ? (
                      <p data-testid={`webhook-error-${key}`} className="mt-1 max-w-md text-xs text-red-700">
                        {error}
                      </p>
                    ) : null}
                    <AlertStatus row={row} />
                    <RecoveryStatus row={row} />
                    {row.note ? <p className="mt-1 max-w-md text-xs text-slate-500" data-testid={`webhook-note-${key}`}>{row.note}</p> : null}
                  </td>
                  <td className="py-3 pr-4">
                    <AutoReviewToggle row={row} testId={`auto-review-${key}`} />
                  </td>
                  <td className="py-3">
                    <button
                      type="button"
                      disabled={disabled}
                      title={!row.can_manage && !row.covered_by ? row.error ?? undefined : undefined}
                      data-testid={`reinstall-${key}`}
                      onClick={() => void reinstall(row)}
                      className="rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium text-slate-800 hover:bg-slate-50 disabled:cursor-not-allowed disabled:opacity-50"
                    >
                      {running === key ? "Reinstalling..." : "Reinstall"}
                    </button>
                  </td>
                </tr>
                {open ? (
                  <tr className="border-b border-slate-100 bg-slate-50">
                    <td colSpan={5} className="px-4 py-3">
                      <RecentDeliveries resourceType={row.resource_type} resourceId={row.resource_id} />
                    </td>
                  </tr>
                ) : null}
              </Fragment>
            );
          })}
        </tbody>
      </table>
      <div className="mt-3 flex items-center gap-4 text-xs text-slate-500">
        <button type="button" onClick={() => void refresh(true)} disabled={running !== null} className="hover:text-slate-800 disabled:opacity-50">
          Refresh
        </button>
        {load.total > load.perPage ? (
          <nav aria-label="Webhook table pages" className="ml-auto flex items-center gap-3" data-testid="webhooks-pages">
            <span>
              {(load.page - 1) * load.perPage + 1}–{Math.min(load.total, load.page * load.perPage)} of {load.total}
            </span>
            <button type="button" disabled={load.page <= 1 || running !== null} onClick={() => setPage(load.page - 1)} className="rounded border border-slate-300 px-2 py-0.5 disabled:opacity-50">
              Previous
            </button>
            <button type="button" disabled={load.page * load.perPage >= load.total || running !== null} onClick={() => setPage(load.page + 1)} className="rounded border border-slate-300 px-2 py-0.5 disabled:opacity-50">
              Next
            </button>
          </nav>
        ) : null}
      </div>
    </div>
  );
}
