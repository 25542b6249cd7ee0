"use client";

import { Fragment, useCallback, useEffect, useState } from "react";
import { ReconnectGitLab } from "@/components/reconnect-gitlab";
import { Button } from "@/components/ui/button";
import { Table, Td, Th } from "@/components/ui/table";
import type { WebhookRow } from "@/lib/webhook-installations/view";
import { RecentDeliveries } from "./recent-deliveries";
import { AutoReviewToggle } from "./auto-review-toggle";
import { AlertStatus, RecoveryStatus, WebhookStatusBadge } from "./webhook-status";

type Load = { kind: "loading" } | { kind: "error"; code: string; message: string } | { kind: "ready"; rows: WebhookRow[]; total: number; page: number; perPage: number };

/** Why Reinstall is disabled for this row, in words (null: it is enabled). */
function reinstallBlocker(row: WebhookRow, running: string | null, succeeded: boolean): string | null {
  if (succeeded) return "Reinstalled.";
  if (row.status === "installed") return "Installed; delete it in GitLab to reinstall.";
  if (!row.can_manage) return row.error ?? "Needs Owner or Maintainer access in GitLab.";
  if (running !== null) return "Another reinstall is running.";
  return null;
}

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
        <Button variant="danger" size="sm" className="mt-2" onClick={() => void refresh(true)}>
          Try again
        </Button>
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
    <div>
      <Table data-testid="webhooks-table">
        {/* Fixed widths: a longer status or "Reinstalling..." never makes the columns jump. */}
        <colgroup>
          <col className="w-[34%]" />
          <col className="w-[10%]" />
          <col className="w-[28%]" />
          <col className="w-[12%]" />
          <col className="w-[16%]" />
        </colgroup>
        <thead>
          <tr>
            <Th>Resource</Th>
            <Th>Type</Th>
            <Th>Status</Th>
            <Th>Auto-review</Th>
            <Th>Action</Th>
          </tr>
        </thead>
        <tbody>
          {load.rows.map((row) => {
            const key = keyOf(row);
            const open = expanded.has(key);
            const error = errors[key] ?? (row.status === "failed" ? row.error : null);
            const disabledReason = reinstallBlocker(row, running, succeeded.has(key));
            return (
              <Fragment key={key}>
                <tr data-testid={`webhook-row-${key}`} data-resource-path={row.full_path}>
                  <Td className="min-w-0 break-words">
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
                  </Td>
                  <Td className="text-slate-700">{row.resource_type}</Td>
                  <Td>
                    <WebhookStatusBadge status={row.status} testId={`webhook-status-${key}`} />
                    {error ? (
                      <p data-testid={`webhook-error-${key}`} className="mt-1 max-w-md text-xs text-red-700">
                        {error}
                      </p>
                    ) : null}
                    <AlertStatus row={row} />
                    <RecoveryStatus row={row} />
                    {row.note ? <p className="mt-1 max-w-md text-xs text-slate-500" data-testid={`webhook-note-${key}`}>{row.note}</p> : null}
                  </Td>
                  <Td>
                    <AutoReviewToggle row={row} testId={`auto-review-${key}`} />
                  </Td>
                  <Td>
                    <Button
                      variant="secondary"
                      size="sm"
                      disabled={disabledReason !== null}
                      disabledReason={disabledReason}
                      data-testid={`reinstall-${key}`}
                      onClick={() => void reinstall(row)}
                    >
                      {running === key ? "Reinstalling..." : "Reinstall"}
                    </Button>
                    {disabledReason && running !== key ? (
                      <p className="mt-1 text-xs text-slate-500" data-testid={`reinstall-reason-${key}`}>
                        {disabledReason}
                      </p>
                    ) : null}
                  </Td>
                </tr>
                {open ? (
                  <tr className="bg-slate-50">
                    <Td colSpan={5}>
                      <RecentDeliveries resourceType={row.resource_type} resourceId={row.resource_id} />
                    </Td>
                  </tr>
                ) : null}
              </Fragment>
            );
          })}
        </tbody>
      </Table>
      <div className="mt-3 flex items-center gap-4 text-xs text-slate-500">
        <Button variant="ghost" size="sm" onClick={() => void refresh(true)} disabled={running !== null} disabledReason="Wait for the reinstall to finish.">
          Refresh
        </Button>
        {load.total > load.perPage ? (
          <nav aria-label="Webhook table pages" className="ml-auto flex items-center gap-3" data-testid="webhooks-pages">
            <span>
              {(load.page - 1) * load.perPage + 1}–{Math.min(load.total, load.page * load.perPage)} of {load.total}
            </span>
            <Button variant="secondary" size="sm" disabled={load.page <= 1 || running !== null} disabledReason={running !== null ? "Wait for the reinstall to finish." : "This is the first page."} onClick={() => setPage(load.page - 1)}>
              Previous
            </Button>
            <Button variant="secondary" size="sm" disabled={load.page * load.perPage >= load.total || running !== null} disabledReason={running !== null ? "Wait for the reinstall to finish." : "This is the last page."} onClick={() => setPage(load.page + 1)}>
              Next
            </Button>
          </nav>
        ) : null}
      </div>
    </div>
  );
}
