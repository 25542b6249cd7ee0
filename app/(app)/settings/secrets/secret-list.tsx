"use client";

import { useActionState, useState } from "react";
import { deleteSecretAction, type DeleteSecretState } from "@/app/actions/delete-secret";
import { updateSecretAction, type UpdateSecretState } from "@/app/actions/update-secret";
import type { SecretRow } from "./secret-row";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";

/** "2026-03-01 14:05 UTC": the same text on the server and in the browser, so hydration matches. */
const formatUtc = (iso: string) => `${iso.slice(0, 16).replace("T", " ")} UTC`;

export function SecretList({ secrets }: { secrets: SecretRow[] }) {
  if (secrets.length === 0) {
    return (
      <p className="rounded-md border border-dashed border-slate-300 bg-white p-6 text-center text-sm text-slate-600" data-testid="secrets-empty">
        No secrets yet. Secrets you add are given to the agent as environment variables.
      </p>
    );
  }
  return (
    <ul className="divide-y divide-slate-100 rounded-lg border border-slate-200 bg-white" data-testid="secret-list">
      {secrets.map((s) => (
        <SecretItem key={s.id} secret={s} />
      ))}
    </ul>
  );
}

function SecretItem({ secret: s }: { secret: SecretRow }) {
  const [mode, setMode] = useState<"view" | "edit" | "delete">("view");
  const [updated, updateAction, updating] = useActionState<UpdateSecretState, FormData>(async (prev, data) => {
    const result = await updateSecretAction(prev, data);
    if (result.status === "success") setMode("view");
    return result;
  }, { status: "idle" });
  const [deleted, deleteAction, deleting] = useActionState<DeleteSecretState, FormData>(deleteSecretAction, { status: "idle" });
  const error = [updated, deleted].find((r) => r.status === "error")?.message;
  return (
    <li className="p-4" data-testid="secret-row" data-secret-name={s.name}>
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div className="min-w-0">
          <p className="font-mono text-sm font-medium">{s.name}</p>
          {s.description ? <p className="text-sm text-slate-600">{s.description}</p> : null}
          <p className="text-xs text-slate-500">
            Value hidden · updated {formatUtc(s.updatedAt)}
            {s.name === "GITLAB_TOKEN" ? " · overrides the token given to the agent" : ""}
          </p>
        </div>
        {mode === "view" ? (
          <div className="flex gap-2">
            <Button variant="secondary" size="sm" onClick={() => setMode("edit")} aria-label={`Edit ${s.name}`}>
              Edit
            </Button>
            <Button variant="danger" size="sm" onClick={() => setMode("delete")} aria-label={`Delete ${s.name}`}>
              Delete
            </Button>
          </div>
        ) : null}
      </div>
      {mode === "edit" ? (
        <form action={updateAction} className="mt-3 grid gap-2 md:grid-cols-[1fr_1fr_auto] md:items-end" data-testid="secret-edit-form">
          <input type="hidden" name="id" value={s.id} />
          <label className="text-xs font-medium">
            New value <span className="font-normal text-slate-500">(empty keeps the current one)</span>
            <Input name="value" type="password" autoComplete="new-password" className="mt-1 font-normal" />
          </label>
          <label className="text-xs font-medium">
            Description
            <Input name="description" defaultValue={s.description} maxLength={500} className="mt-1 font-normal" />
          </label>
          <span className="flex gap-2">
            <Button variant="ghost" size="sm" onClick={() => setMode("view")}>
              Cancel
            </Button>
            <Button type="submit" size="sm" disabled={updating}>
              {updating ? "Saving…" : "Save"}
            </Button>
          </span>
        </form>
      ) : null}
      {mode === "delete" ? (
        <form action={deleteAction} className="mt-3 flex flex-wrap items-center justify-end gap-2" data-testid="secret-delete-confirm">
          <input type="hidden" name="id" value={s.id} />
          <span className="text-xs text-slate-700">Runs from now on will not get {s.name}. This cannot be undone.</span>
          <Button variant="ghost" size="sm" onClick={() => setMode("view")}>
            Cancel
          </Button>
          <Button type="submit" variant="danger" size="sm" disabled={deleting}>
            {deleting ? "Deleting…" : "Delete secret"}
          </Button>
        </form>
      ) : null}
      {error ? (
        <p role="alert" className="mt-2 text-xs text-red-700">
          {error}
        </p>
      ) : null}
    </li>
  );
}
