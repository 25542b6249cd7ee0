"use client";

import { useActionState, useCallback, useState } from "react";
import { AsyncCombobox, FetchPageError, type Page } from "@/components/async-combobox";
import { launchConversationAction, type LaunchState } from "@/app/actions/launch-conversation";
import { ReconnectGitLab } from "@/components/reconnect-gitlab";

export interface RepoOption {
  id: number;
  name: string;
  pathWithNamespace: string;
  namespaceFullPath: string;
  visibility: string;
  defaultBranch: string | null;
}
interface BranchOption {
  name: string;
  isDefault: boolean;
}

async function getPage<T>(url: string, signal: AbortSignal): Promise<Page<T>> {
  const res = await fetch(url, { signal, headers: { accept: "application/json" } });
  const body: unknown = await res.json().catch(() => null);
  if (!res.ok) {
    const error = (body as { error?: { code?: string; message?: string } } | null)?.error;
    throw new FetchPageError(error?.message ?? `Request failed (${res.status}).`, error?.code ?? "http_error");
  }
  return body as Page<T>;
}

const visibilityStyle: Record<string, string> = {
  private: "bg-slate-100 text-slate-700",
  internal: "bg-amber-100 text-amber-800",
  public: "bg-emerald-100 text-emerald-800",
};

export function OpenRepositoryClient() {
  const [repo, setRepo] = useState<RepoOption | null>(null);
  const [branch, setBranch] = useState<BranchOption | null>(null);
  const [needsReauth, setNeedsReauth] = useState(false);
  const [state, formAction, pending] = useActionState<LaunchState, FormData>(launchConversationAction, { status: "idle" });

  const fetchRepos = useCallback(async (search: string, page: number, signal: AbortSignal) => {
    try {
      return await getPage<RepoOption>(`/api/gitlab/projects?search=${encodeURIComponent(search)}&page=${page}`, signal);
    } catch (err) {
      if (err instanceof FetchPageError && err.code === "needs_reauth") setNeedsReauth(true);
      throw err;
    }
  }, []);

  const repoId = repo?.id;
  const fetchBranches = useCallback(
    async (search: string, page: number, signal: AbortSignal) => {
      if (!repoId) return { items: [], nextPage: null };
      return getPage<BranchOption>(`/api/gitlab/projects/${repoId}/branches?search=${encodeURIComponent(search)}&page=${page}`, signal);
    },
    [repoId],
  );

  if (needsReauth || state.code === "needs_reauth") return <ReconnectGitLab />;


  return (
    <form action={formAction} className="grid gap-4 md:grid-cols-[2fr_1fr_auto] md:items-end" data-testid="open-repository-form">
      <label className="block text-sm font-medium text-slate-700 md:col-span-3">
        What should the agent do?
        <textarea
          name="message"
          rows={3}
          maxLength={20_000}
          data-testid="launch-message"
          placeholder="e.g. Add a CONTRIBUTING.md explaining how to run the tests"
          className="mt-1 block w-full rounded-md border border-slate-300 p-2 text-sm font-normal focus:border-brand-500 focus:outline-none focus:ring-1 focus:ring-brand-500"
        />
      </label>
      <AsyncCombobox<RepoOption>
        testId="repository-picker"
        label="Repository"
        placeholder="Search your repositories…"
        fetchPage={fetchRepos}
        getKey={(r) => String(r.id)}
        getLabel={(r) => `${r.namespaceFullPath} / ${r.name}`}
        renderItem={(r) => (
          <span className="flex items-center justify-between gap-3">
            <span>
              <span className="text-slate-500">{r.namespaceFullPath} / </span>
              <span className="font-medium">{r.name}</span>
            </span>
            <span className={`rounded px-1.5 py-0.5 text-xs ${visibilityStyle[r.visibility] ?? visibilityStyle.private}`}>{r.visibility}</span>
          </span>
        )}
        value={repo}
        onChange={(r) => {
          setRepo(r);
          // The default branch is preselected; the user can search for another.
          setBranch(r?.defaultBranch ? { name: r.defaultBranch, isDefault: true } : null);
        }}
        emptyText="No repositories match."
      />
      <AsyncCombobox<BranchOption>
        testId="branch-picker"
        label="Branch"
        placeholder={repo ? "Search branches…" : "Choose a repository first"}
        disabled={!repo}
        sourceKey={String(repoId ?? "")}
        fetchPage={fetchBranches}
        getKey={(b) => b.name}
        getLabel={(b) => b.name}
        renderItem={(b) => (
          <span className="flex items-center justify-between">
            <span className="font-mono text-xs">{b.name}</span>
            {b.isDefault ? <span className="rounded bg-slate-100 px-1.5 py-0.5 text-xs text-slate-600">default</span> : null}
          </span>
        )}
        value={branch}
        onChange={setBranch}
        emptyText="No branches match."
      />
      <input type="hidden" name="projectId" value={repo?.id ?? ""} />
      <input type="hidden" name="branch" value={branch?.name ?? ""} />
      <button
        type="submit"
        disabled={!repo || !branch || pending}
        className="h-10 rounded-md bg-brand-600 px-5 text-sm font-medium text-white hover:bg-brand-700 disabled:cursor-not-allowed disabled:bg-slate-300"
      >
        {pending ? "Launching…" : "Launch"}
      </button>
      {state.status === "error" ? (
        <p role="alert" className="text-sm text-red-700 md:col-span-3">
          {state.message}
        </p>
      ) : null}
    </form>
  );
}
