"use client";

import Link from "next/link";
import { useEffect, useState } from "react";
import type { DeliveryView } from "@/lib/webhook-installations/deliveries";
import { deliveryEventWords, deliveryReasonWords } from "@/lib/webhook-installations/delivery-words";

type State = { kind: "loading" } | { kind: "error"; message: string } | { kind: "ready"; via: string | null; deliveries: DeliveryView[]; retentionDays: number | null };

const outcomeLabel: Record<string, string> = {
  pending: "Pending",
  triggered: "Triggered",
  ignored: "Ignored",
  refused: "Refused",
  failed: "Failed",
};

const outcomeClass: Record<string, string> = {
  triggered: "text-emerald-700",
  ignored: "text-slate-600",
  refused: "text-amber-700",
  failed: "text-red-700",
  pending: "text-slate-500",
};

/** The last deliveries of one row and what the app did with each: "why didn't it respond?" ★ */
export function RecentDeliveries({ resourceType, resourceId }: { resourceType: string; resourceId: number }) {
  const [state, setState] = useState<State>({ kind: "loading" });

  useEffect(() => {
    let cancelled = false;
    (async () => {
      const res = await fetch(`/api/gitlab/webhooks/deliveries?resource_type=${resourceType}&resource_id=${resourceId}`, { cache: "no-store" });
      const body: unknown = await res.json().catch(() => null);
      if (cancelled) return;
      if (!res.ok) {
        const message = (body as { error?: { message?: string } } | null)?.error?.message ?? `The server answered ${res.status}.`;
        return setState({ kind: "error", message });
      }
      const ok = body as { via: string | null; deliveries: DeliveryView[]; retention_days?: number };
      setState({ kind: "ready", via: ok.via, deliveries: ok.deliveries, retentionDays: ok.retention_days ?? null });
    })().catch(() => !cancelled && setState({ kind: "error", message: "Could not reach the server." }));
    return () => {
      cancelled = true;
    };
  }, [resourceType, resourceId]);

  const testId = `deliveries-${resourceType}-${resourceId}`;
  if (state.kind === "loading") return <p role="status" data-testid={testId} className="text-xs text-slate-500">Loading deliveries…</p>;
  if (state.kind === "error") return <p role="alert" data-testid={testId} className="text-xs text-red-700">Could not load deliveries: {state.message}</p>;
  return (
    <div data-testid={testId}>
      <p className="mb-2 text-xs font-medium text-slate-600">
        Recent deliveries{state.via ? ` (received through the webhook on ${state.via})` : ""}
      </p>
      {state.retentionDays !== null && (
        <p data-testid="deliveries-retention" className="mb-2 text-xs text-slate-500">
          Deliveries are kept for {state.retentionDays} {state.retentionDays === 1 ? "day" : "days"}; older ones are deleted.
        </p>
      )}
      {state.deliveries.length === 0 ? (
        <p className="text-xs text-slate-500">No deliveries received yet. GitLab sends one when an issue, comment or merge request changes here.</p>
      ) : (
        <ul className="space-y-1 text-xs">
          {state.deliveries.map((d) => (
            <li key={d.id} data-testid="delivery" className="flex flex-wrap gap-x-3">
              <time dateTime={d.received_at} className="font-mono text-slate-500">
                {new Date(d.received_at).toLocaleString()}
              </time>
              <span className="font-medium text-slate-800" title={d.event}>
                {deliveryEventWords(d.event)}
              </span>
              <span className={outcomeClass[d.outcome] ?? "text-slate-600"}>
                {outcomeLabel[d.outcome] ?? d.outcome}
                {d.reason ? `: ${deliveryReasonWords(d.reason)}` : ""}
              </span>
              {d.conversation_id ? (
                <Link href={`/conversations/${d.conversation_id}`} className="text-brand-600 hover:underline">
                  Open the conversation
                </Link>
              ) : null}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
