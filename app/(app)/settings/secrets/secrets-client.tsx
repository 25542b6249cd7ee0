"use client";

import { useActionState, useEffect, useRef, useState } from "react";
import { createSecretAction, type CreateSecretState } from "@/app/actions/create-secret";
import { Button } from "@/components/ui/button";
import { SecretList } from "./secret-list";
import type { SecretRow } from "./secret-row";
import { Input } from "@/components/ui/input";

export function SecretsClient({ secrets }: { secrets: SecretRow[] }) {
  const [state, action, pending] = useActionState<CreateSecretState, FormData>(createSecretAction, { status: "idle" });
  const formRef = useRef<HTMLFormElement>(null);
  // The value lives only in this browser tab: the server never sends it back, so after a
  // validation error it must not be lost with the form's reset (issue 17). Cleared on success.
  const [value, setValue] = useState("");
  useEffect(() => {
    if (state.status === "success") {
      formRef.current?.reset();
      // eslint-disable-next-line react-hooks/set-state-in-effect -- the saved value must leave the page
      setValue("");
    }
  }, [state]);
  const fieldError = (name: string) => state.fieldErrors?.[name]?.[0];
  return (
    <div className="space-y-6">
      <section className="rounded-lg border border-slate-200 bg-white p-5">
        <h2 className="font-semibold">Secrets</h2>
        <p className="mt-1 text-sm text-slate-600">
          Secrets are given to the agent as environment variables in every run. Values are encrypted and write-only: once saved, they are never shown again.
        </p>
        <div className="mt-3 rounded-md border border-sky-200 bg-sky-50 p-3 text-sm text-sky-900" data-testid="gitlab-token-note">
          <p className="font-medium">Using tokens with reduced scopes</p>
          <p className="mt-1">
            By default the agent gets your GitLab OAuth token as <code className="font-mono">GITLAB_TOKEN</code>. To restrict what the agent can do, define a secret named{" "}
            <code className="font-mono">GITLAB_TOKEN</code> (for example a personal access token with only <code className="font-mono">read_api</code>): it overrides the default token given
            to the agent. The app still uses your full OAuth token for its own work, such as pushing branches and opening merge requests, and the agent never has access to it.
          </p>
        </div>

        <form ref={formRef} action={action} className="mt-4 grid gap-3 md:grid-cols-[1fr_1fr]" data-testid="secret-form">
          <label className="text-sm font-medium">
            Name
            <Input name="name" defaultValue={state.input?.name} required maxLength={100} autoComplete="off" spellCheck={false} placeholder="MY_API_KEY" className="mt-1 font-mono font-normal" aria-invalid={fieldError("name") ? true : undefined} />
            {fieldError("name") ? <span className="mt-1 block text-xs font-normal text-red-700">{fieldError("name")}</span> : null}
          </label>
          <label className="text-sm font-medium">
            Value
            <Input name="value" type="password" required autoComplete="new-password" value={value} onChange={(e) => setValue(e.target.value)} className="mt-1 font-normal" aria-invalid={fieldError("value") ? true : undefined} />
            {fieldError("value") ? <span className="mt-1 block text-xs font-normal text-red-700">{fieldError("value")}</span> : null}
          </label>
          <label className="text-sm font-medium md:col-span-2">
            Description <span className="font-normal text-slate-500">(optional)</span>
            <Input name="description" defaultValue={state.input?.description} maxLength={500} className="mt-1 font-normal" />
          </label>
          <div className="flex items-center justify-between gap-3 md:col-span-2">
            <p className={`text-sm ${state.status === "error" ? "text-red-700" : "text-emerald-700"}`} role={state.status === "error" ? "alert" : "status"}>
              {state.message ?? ""}
            </p>
            <Button type="submit" disabled={pending}>
              {pending ? "Saving…" : "Add secret"}
            </Button>
          </div>
        </form>
      </section>
      <SecretList secrets={secrets} />
    </div>
  );
}
