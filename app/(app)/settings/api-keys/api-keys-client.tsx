"use client";

import { useActionState, useState } from "react";
import { createApiKeyAction, type CreateApiKeyState } from "@/app/actions/create-api-key";
import { apiKeyExpiryChoices } from "@/lib/api-keys/expiry-choices";
import { ApiKeyList, formatUtc, type ApiKeyRow } from "./api-key-list";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";

export type { ApiKeyRow };

export function ApiKeysClient({ keys, apiBaseUrl }: { keys: ApiKeyRow[]; apiBaseUrl: string }) {
  return (
    <div className="space-y-6">
      <CreateApiKey />
      <section aria-labelledby="api-keys-heading" className="rounded-lg border border-slate-200 bg-white p-6">
        <h2 id="api-keys-heading" className="text-lg font-semibold">
          Your keys
        </h2>
        <ApiKeyList keys={keys} />
      </section>
      <ApiReference apiBaseUrl={apiBaseUrl} />
    </div>
  );
}

function CreateApiKey() {
  const [state, formAction, pending] = useActionState<CreateApiKeyState, FormData>(createApiKeyAction, { status: "idle" });
  const [dismissed, setDismissed] = useState<string | null>(null);
  const created = state.created && state.created.id !== dismissed ? state.created : null;
  return (
    <section aria-labelledby="create-key-heading" className="rounded-lg border border-slate-200 bg-white p-6">
      <h2 id="create-key-heading" className="text-lg font-semibold">
        Create an API key
      </h2>
      <p className="mt-1 text-sm text-slate-600">Scripts, CI jobs and bots use a key to start and follow conversations as you, with your GitLab access.</p>
      <form action={formAction} className="mt-4 grid gap-4 md:grid-cols-[2fr_1fr_auto] md:items-end" data-testid="create-api-key-form">
        <label className="grid gap-1 text-sm">
          <span className="font-medium">Name</span>
          <Input name="name" required maxLength={100} placeholder="e.g. CI pipeline" data-testid="api-key-name" aria-invalid={state.fieldErrors?.name ? true : undefined} />
          {state.fieldErrors?.name ? <span className="text-xs text-red-700">{state.fieldErrors.name.join(" ")}</span> : null}
        </label>
        <label className="grid gap-1 text-sm">
          <span className="font-medium">Expires</span>
          <select name="expiresInDays" defaultValue="" data-testid="api-key-expiry" className="h-10 rounded-md border border-slate-300 bg-white px-3">
            <option value="">Never</option>
            {apiKeyExpiryChoices.map((c) => (
              <option key={c.days} value={c.days}>
                In {c.label}
              </option>
            ))}
          </select>
          {state.fieldErrors?.expiresInDays ? <span className="text-xs text-red-700">{state.fieldErrors.expiresInDays.join(" ")}</span> : null}
        </label>
        <Button type="submit" disabled={pending} data-testid="create-api-key">
          {pending ? "Creating…" : "Create key"}
        </Button>
      </form>
      {state.status === "error" && !state.fieldErrors ? (
        <p role="alert" className="mt-3 text-sm text-red-700" data-testid="create-api-key-error">
          {state.message}
        </p>
      ) : null}
      {created ? <NewKey created={created} onDone={() => setDismissed(created.id)} /> : null}
    </section>
  );
}

function NewKey({ created, onDone }: { created: NonNullable<CreateApiKeyState["created"]>; onDone: () => void }) {
  const [copied, setCopied] = useState<"idle" | "copied" | "failed">("idle");
  async function copy() {
    try {
      await navigator.clipboard.writeText(created.token);
      setCopied("copied");
    } catch {
      // Clipboard access can be denied (permissions, insecure origin); the key stays selectable.
      setCopied("failed");
    }
  }
  return (
    <div role="status" data-testid="new-api-key-panel" className="mt-4 rounded-md border border-emerald-300 bg-emerald-50 p-4 text-sm">
      <p className="font-medium text-emerald-900">Key &ldquo;{created.name}&rdquo; created{created.expiresAt ? `, expires ${formatUtc(created.expiresAt)}` : ""}.</p>
      <p className="mt-1 font-medium text-amber-800" data-testid="new-api-key-warning">
        Copy it now: you won&apos;t see it again. We only keep a fingerprint of it.
      </p>
      <div className="mt-3 flex flex-wrap items-center gap-2">
        <input
          readOnly
          value={created.token}
          aria-label="New API key"
          data-testid="new-api-key"
          onFocus={(e) => e.currentTarget.select()}
          className="h-10 min-w-0 flex-1 rounded-md border border-slate-300 bg-white px-3 font-mono text-xs"
        />
        <Button variant="secondary" onClick={copy} data-testid="copy-api-key">
          {copied === "copied" ? "Copied" : "Copy"}
        </Button>
        <Button variant="ghost" onClick={onDone} data-testid="dismiss-new-api-key">
          Done
        </Button>
      </div>
      {copied === "failed" ? <p className="mt-2 text-xs text-red-700">Copying was blocked by the browser; select the key and copy it by hand.</p> : null}
    </div>
  );
}

function ApiReference({ apiBaseUrl }: { apiBaseUrl: string }) {
  return (
    <section aria-labelledby="api-reference-heading" className="rounded-lg border border-slate-200 bg-white p-6 text-sm">
      <h2 id="api-reference-heading" className="text-lg font-semibold">
        Using the API
      </h2>
      <p className="mt-1 text-slate-600">
        Send the key as <code className="rounded bg-slate-100 px-1">Authorization: Bearer ohk_…</code>. The full reference is the{" "}
        <a href="/api/v1/openapi.json" data-testid="openapi-link" className="text-brand-700 underline" target="_blank" rel="noreferrer">
          OpenAPI document
        </a>
        .
      </p>
      <pre className="mt-3 overflow-x-auto rounded-md bg-slate-900 p-4 text-xs text-slate-100" data-testid="api-example">
        {`curl -X POST ${apiBaseUrl}/conversations \\
  -H "Authorization: Bearer $OHK_KEY" -H "Content-Type: application/json" \\
  -d '{"repository": "group/project", "message": "Fix the failing test"}'`}
      </pre>
    </section>
  );
}
