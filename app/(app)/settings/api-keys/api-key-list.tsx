"use client";

import { useActionState, useState } from "react";
import { deleteApiKeyAction, type DeleteApiKeyState } from "@/app/actions/delete-api-key";
import { revokeApiKeyAction, type RevokeApiKeyState } from "@/app/actions/revoke-api-key";
import { Badge, type BadgeTone } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { Table, Td, Th } from "@/components/ui/table";

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

const statusTone: Record<ApiKeyRow["status"], BadgeTone> = { active: "success", expired: "warning", revoked: "muted" };

export function ApiKeyList({ keys }: { keys: ApiKeyRow[] }) {
  if (keys.length === 0) {
    return (
      <div className="mt-4">
        <EmptyState title="No API keys yet" testId="api-keys-empty">
          Create one above to use the Cloud API.
        </EmptyState>
      </div>
    );
  }
  return (
    <div className="mt-4">
      <Table data-testid="api-key-list" className="min-w-[860px]">
        <colgroup>
          <col className="w-[18%]" />
          <col className="w-[14%]" />
          <col className="w-[15%]" />
          <col className="w-[15%]" />
          <col className="w-[15%]" />
          <col className="w-[9%]" />
          <col className="w-[14%]" />
        </colgroup>
        <thead>
          <tr>
            <Th>Name</Th>
            <Th>Key</Th>
            <Th>Created</Th>
            <Th>Last used</Th>
            <Th>Expires</Th>
            <Th>Status</Th>
            <Th>
              <span className="sr-only">Actions</span>
            </Th>
          </tr>
        </thead>
        <tbody>
          {keys.map((k) => (
            <KeyRow key={k.id} apiKey={k} />
          ))}
        </tbody>
      </Table>
    </div>
  );
}

function KeyRow({ apiKey: k }: { apiKey: ApiKeyRow }) {
  const [confirming, setConfirming] = useState(false);
  const [state, formAction, pending] = useActionState<RevokeApiKeyState, FormData>(revokeApiKeyAction, { status: "idle" });
  const [deleted, deleteAction, deleting] = useActionState<DeleteApiKeyState, FormData>(deleteApiKeyAction, { status: "idle" });
  const error = [state, deleted].find((s) => s.status === "error")?.message;
  return (
    <tr data-testid="api-key-row" data-key-id={k.id}>
      <Td className="break-words font-medium" data-testid="api-key-row-name">
        {k.name}
      </Td>
      <Td className="font-mono text-xs" data-testid="api-key-row-prefix">
        {k.prefix}…
      </Td>
      <Td className="text-slate-600">{formatUtc(k.createdAt)}</Td>
      <Td className="text-slate-600" data-testid="api-key-row-last-used">
        {k.lastUsedAt ? formatUtc(k.lastUsedAt) : "Never"}
      </Td>
      <Td className="text-slate-600" data-testid="api-key-row-expires">
        {k.expiresAt ? formatUtc(k.expiresAt) : "Never"}
      </Td>
      <Td>
        <Badge tone={statusTone[k.status]} data-testid="api-key-row-status">
          {k.status}
        </Badge>
      </Td>
      <Td className="text-right">
        {k.status !== "active" ? (
          <form action={deleteAction}>
            <input type="hidden" name="id" value={k.id} />
            <Button type="submit" variant="secondary" size="sm" disabled={deleting} data-testid="delete-api-key" aria-label={`Delete ${k.name}`} title="Remove this key from the list. It no longer works either way.">
              {deleting ? "Deleting…" : "Delete"}
            </Button>
          </form>
        ) : confirming ? (
          <form action={formAction} className="flex flex-col items-end gap-2" data-testid="revoke-confirm">
            <input type="hidden" name="id" value={k.id} />
            <span className="text-xs text-slate-700">Scripts using this key stop working at once. This cannot be undone.</span>
            <span className="flex flex-wrap justify-end gap-2">
              <Button variant="ghost" size="sm" onClick={() => setConfirming(false)}>
                Cancel
              </Button>
              <Button type="submit" size="sm" variant="danger" disabled={pending} data-testid="confirm-revoke-api-key">
                {pending ? "Revoking…" : "Revoke key"}
              </Button>
            </span>
          </form>
        ) : (
          <Button variant="secondary" size="sm" onClick={() => setConfirming(true)} data-testid="revoke-api-key" aria-label={`Revoke ${k.name}`}>
            Revoke
          </Button>
        )}
        {error ? (
          <p role="alert" className="mt-1 text-xs text-red-700">
            {error}
          </p>
        ) : null}
      </Td>
    </tr>
  );
}
