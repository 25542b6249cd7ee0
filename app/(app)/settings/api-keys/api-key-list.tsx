"use client";

import { useActionState, useState } from "react";
import { revokeApiKeyAction, type RevokeApiKeyState } from "@/app/actions/revoke-api-key";

export interface ApiKeyRow {
  id: string;
  name: string;
  prefix: string;
  status: "active" | "expired" | "revoked";
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
}

/** "2026-03-01 14:05 UTC": the same text on the server and in the browser, so hydration matches. */
export function formatUtc(iso: string): string {
  return `${iso.slice(0, 16).replace("T", " ")} UTC`;
}

const statusStyle: Record<ApiKeyRow["status"], string> = {
  active: "bg-emerald-100 text-emerald-800",
  expired: "bg-amber-100 text-amber-800",
  revoked: "bg-zinc-200 text-zinc-700",
};

export function ApiKeyList({ keys }: { keys: ApiKeyRow[] }) {
  if (keys.length === 0) {
    return (
      <p className="mt-4 rounded-md border border-dashed border-slate-300 p-6 text-center text-sm text-slate-600" data-testid="api-keys-empty">
        No API keys yet. Create one above to use the Cloud API.
      </p>
    );
  }
  return (
    <div className="mt-4 overflow-x-auto">
      <table className="w-full text-left text-sm" data-testid="api-key-list">
        <thead className="border-b border-slate-200 text-xs uppercase text-slate-500">
          <tr>
            <th className="py-2 pr-4 font-medium">Name</th>
            <th className="py-2 pr-4 font-medium">Key</th>
            <th className="py-2 pr-4 font-medium">Created</th>
            <th className="py-2 pr-4 font-medium">Last used</th>
            <th className="py-2 pr-4 font-medium">Expires</th>
            <th className="py-2 pr-4 font-medium">Status</th>
            <th className="py-2 font-medium">
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {keys.map((k) => (
            <KeyRow key={k.id} apiKey={k} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

function KeyRow({ apiKey: k }: { apiKey: ApiKeyRow }) {
  const [confirming, setConfirming] = useState(false);
  const [state, formAction, pending] = useActionState<RevokeApiKeyState, FormData>(revokeApiKeyAction, { status: "idle" });
  return (
    <tr data-testid="api-key-row" data-key-id={k.id} className="align-top">
      <td className="py-3 pr-4 font-medium" data-testid="api-key-row-name">
        {k.name}
      </td>
      <td className="py-3 pr-4 font-mono text-xs" data-testid="api-key-row-prefix">
        {k.prefix}…
      </td>
      <td className="py-3 pr-4 text-slate-600">{formatUtc(k.createdAt)}</td>
      <td className="py-3 pr-4 text-slate-600" data-testid="api-key-row-last-used">
        {k.lastUsedAt ? formatUtc(k.lastUsedAt) : "Never"}
      </td>
      <td className="py-3 pr-4 text-slate-600" data-testid="api-key-row-expires">
        {k.expiresAt ? formatUtc(k.expiresAt) : "Never"}
      </td>
      <td className="py-3 pr-4">
        <span data-testid="api-key-row-status" className={`inline-flex rounded-full px-2.5 py-0.5 text-xs font-medium ${statusStyle[k.status]}`}>
          {k.status}
        </span>
      </td>
      <td className="py-3 text-right">
        {k.status === "revoked" ? null : confirming ? (
          <form action={formAction} className="flex flex-col items-end gap-2" data-testid="revoke-confirm">
            <input type="hidden" name="id" value={k.id} />
            <span className="max-w-56 text-xs text-slate-700">Scripts using this key stop working at once. This cannot be undone.</span>
            <span className="flex gap-2">
              <button type="button" onClick={() => setConfirming(false)} className="rounded-md px-3 py-1.5 text-xs font-medium text-slate-700 hover:bg-slate-100">
                Cancel
              </button>
              <button
                type="submit"
                disabled={pending}
                data-testid="confirm-revoke-api-key"
                className="rounded-md bg-red-600 px-3 py-1.5 text-xs font-medium text-white hover:bg-red-700 disabled:bg-slate-300"
              >
                {pending ? "Revoking…" : "Revoke key"}
              </button>
            </span>
          </form>
        ) : (
          <button
            type="button"
            onClick={() => setConfirming(true)}
            data-testid="revoke-api-key"
            aria-label={`Revoke ${k.name}`}
            className="rounded-md border border-slate-300 px-3 py-1.5 text-xs font-medium hover:bg-slate-50"
          >
            Revoke
          </button>
        )}
        {state.status === "error" ? (
          <p role="alert" className="mt-1 text-xs text-red-700">
            {state.message}
          </p>
        ) : null}
      </td>
    </tr>
  );
}
