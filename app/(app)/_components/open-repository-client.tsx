"use client";

import { useActionState, useCallback, useState } from "react";
import { AsyncCombobox, FetchPageError, type Page } from "@/components/async-combobox";
import { launchConversationAction, type LaunchState } from "@/app/actions/launch-conversation";
import { MessageLength, MAX_MESSAGE_CHARS } from "@/components/message-length";
import { ReconnectGitLab } from "@/components/reconnect-gitlab";
import { Badge, type BadgeTone } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Textarea } from "@/components/ui/input";
import type { AgentIntro, TryIt } from "@/lib/demo/try-it-shared";
import { TryItPanel } from "./try-it-panel";

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
  // Anything but a page (an HTML error page, an empty body) is an error the picker shows, never a crash.
  const page = body as Partial<Page<T>> | null;
  if (!page || !Array.isArray(page.items)) throw new FetchPageError(`GitLab's answer could not be read (${res.status}). Try again.`, "bad_response");
  return { items: page.items, nextPage: typeof page.nextPage === "number" ? page.nextPage : null };
}

const visibilityTone: Record<string, BadgeTone> = { private: "neutral", internal: "warning", public: "success" };

/** Why Launch is disabled, in the order the user fills the form. */
function launchBlocker(repo: RepoOption | null, branch: BranchOption | null, task: string): string | null {
  if (!repo) return "Choose a repository first.";
  if (!branch) return "Choose a branch.";
  if (task.trim() === "") return "Write what the agent should do.";
  if (task.length > MAX_MESSAGE_CHARS) return "The task is too long.";
  return null;
}

export function OpenRepositoryClient({ agent, tryIt }: { agent: AgentIntro; tryIt: TryIt | null }) {
  const [repo, setRepo] = useState<RepoOption | null>(null);
  const [branch, setBranch] = useState<BranchOption | null>(null);
  const [task, setTask] = useState("");
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

  const chooseRepo = useCallback((r: RepoOption | null) => {
    setRepo(r);
    // The default branch is preselected; the user can search for another.
    setBranch(r?.defaultBranch ? { name: r.defaultBranch, isDefault: true } : null);
  }, []);

  /** A "Try it" example: its task, on the demo repository unless the user already chose one. */
  const applyExample = useCallback(
    async (exampleTask: string) => {
      setTask(exampleTask);
      if (repo || !tryIt) return;
      const name = tryIt.repository.split("/").at(-1) ?? tryIt.repository;
      const found = await getPage<RepoOption>(`/api/gitlab/projects?search=${encodeURIComponent(name)}&page=1`, new AbortController().signal).catch(() => null);
      const match = found?.items.find((r) => r.pathWithNamespace === tryIt.repository);
      if (match) chooseRepo(match);
    },
    [repo, tryIt, chooseRepo],
  );

  if (needsReauth || state.code === "needs_reauth") return <ReconnectGitLab />;

  const blocker = launchBlocker(repo, branch, task);
  const taskError = state.fieldErrors?.message?.[0];
  return (
    <div className="space-y-6">
      {tryIt ? <TryItPanel tryIt={tryIt} agent={agent} onExample={(t) => void applyExample(t)} /> : null}
      <form action={formAction} className="grid gap-4 md:grid-cols-[minmax(0,2fr)_minmax(0,1fr)_auto] md:items-start" data-testid="open-repository-form">
        <div className="md:col-span-3">
          <label htmlFor="launch-message" className="mb-1 block text-sm font-medium text-slate-700">
            What should the agent do?
          </label>
          <Textarea
            id="launch-message"
            name="message"
            rows={3}
            value={task}
            onChange={(e) => setTask(e.target.value)}
            data-testid="launch-message"
            placeholder={agent.placeholder}
            aria-invalid={taskError ? true : undefined}
            aria-describedby="launch-hint"
          />
          <div className="mt-1 flex flex-wrap items-center justify-between gap-2 text-xs text-slate-500" id="launch-hint">
            <span data-testid="launch-blocker">{blocker && repo && branch ? blocker : agent.kind === "scripted" ? "The test agent follows plain instructions (see Try it above)." : `Runs ${agent.name}.`}</span>
            <MessageLength length={task.length} />
          </div>
        </div>
        <AsyncCombobox<RepoOption>
          testId="repository-picker"
          label="Repository"
          placeholder="Search your repositories…"
          emptyValueText="Choose a repository"
          fetchPage={fetchRepos}
          getKey={(r) => String(r.id)}
          getLabel={(r) => `${r.namespaceFullPath} / ${r.name}`}
          renderItem={(r) => (
            <span className="flex items-center justify-between gap-3">
              <span className="min-w-0 truncate">
                <span className="text-slate-500">{r.namespaceFullPath} / </span>
                <span className="font-medium">{r.name}</span>
              </span>
              <Badge tone={visibilityTone[r.visibility] ?? "neutral"}>{r.visibility}</Badge>
            </span>
          )}
          value={repo}
          onChange={chooseRepo}
          emptyText={(q) => (q ? `No repository matches “${q}”.` : "No repositories.")}
        />
        <AsyncCombobox<BranchOption>
          testId="branch-picker"
          label="Branch"
          placeholder="Search branches…"
          emptyValueText={repo ? "Choose a branch" : "Choose a repository first"}
          disabled={!repo}
          disabledReason="Choose a repository first."
          sourceKey={String(repoId ?? "")}
          fetchPage={fetchBranches}
          getKey={(b) => b.name}
          getLabel={(b) => b.name}
          renderItem={(b) => (
            <span className="flex items-center justify-between gap-2">
              <span className="min-w-0 truncate font-mono text-xs">{b.name}</span>
              {b.isDefault ? <Badge>default</Badge> : null}
            </span>
          )}
          value={branch}
          onChange={setBranch}
          emptyText={(q) => (q ? `No branch named “${q}” in this repository. Pick one from the list.` : "This repository has no branches yet.")}
        />
        <div className="md:pt-6">
          <Button type="submit" disabled={pending || blocker !== null} disabledReason={blocker} className="w-full md:w-auto" data-testid="launch-button">
            {pending ? "Launching…" : "Launch"}
          </Button>
        </div>
        <input type="hidden" name="projectId" value={repo?.id ?? ""} />
        <input type="hidden" name="branch" value={branch?.name ?? ""} />
        {state.status === "error" ? (
          <p role="alert" className="text-sm text-red-700 md:col-span-3" data-testid="launch-error">
            {taskError ?? state.message}
          </p>
        ) : null}
      </form>
    </div>
  );
}
