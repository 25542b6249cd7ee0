"use client";

import { useActionState } from "react";
import { openMergeRequestAction, type OpenMergeRequestState } from "@/app/actions/open-merge-request";
import { pushBranchAction, type PushBranchState } from "@/app/actions/push-branch";
import type { ConversationView } from "@/lib/conversations/view";
import { Markdown } from "./timeline";

const outcomeLabel = { resolved: "Resolved", answered: "Answered", not_resolved: "Not resolved", failed: "Failed" } as const;

function treeUrl(gitlabUrl: string, projectPath: string, branch: string) {
  return `${gitlabUrl}/${projectPath}/-/tree/${branch.split("/").map(encodeURIComponent).join("/")}`;
}

/**
 * The end of a run: its summary, links to what it created on GitLab, and for app/API conversations
 * the two publishing buttons. The agent never pushes; these do, with the user's own token.
 */
export function ResultPanel({ conversation: c, gitlabUrl }: { conversation: ConversationView; gitlabUrl: string }) {
  const [push, pushAction, pushing] = useActionState<PushBranchState, FormData>(pushBranchAction, { status: "idle" });
  const [mr, mrAction, opening] = useActionState<OpenMergeRequestState, FormData>(openMergeRequestAction, { status: "idle" });
  const publishable = c.trigger === "ui" || c.trigger === "api";
  const hasWork = c.pendingFiles.length > 0;
  const busy = pushing || opening;
  const error = [push, mr].find((s) => s.status === "error")?.message;

  return (
    <section className="rounded-lg border border-slate-200 bg-white p-5" aria-label="Result" data-testid="conversation-result">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h2 className="font-semibold">Summary</h2>
        {c.outcome ? <span className="text-xs font-medium uppercase text-slate-500" data-testid="conversation-outcome">{outcomeLabel[c.outcome]}</span> : null}
      </div>
      <div className="mt-2" data-testid="conversation-summary">
        {c.summary ? <Markdown text={c.summary} /> : <p className="text-sm text-slate-500">{c.status === "cancelled" ? "The run was cancelled." : "No summary."}</p>}
      </div>
      {c.status === "failed" && c.error && c.error !== c.summary ? (
        <p role="alert" className="mt-3 rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800" data-testid="conversation-error">
          {c.error}
        </p>
      ) : null}

      {hasWork ? (
        <p className="mt-3 text-sm text-slate-700">
          Changed, not pushed yet: {c.pendingFiles.map((f) => <code key={f} className="mr-1 rounded bg-slate-100 px-1 font-mono text-xs">{f}</code>)}
        </p>
      ) : null}

      {c.pushedBranch || c.mergeRequestUrl ? (
        <ul className="mt-3 space-y-1 text-sm">
          {c.pushedBranch ? (
            <li>
              Branch:{" "}
              <a data-testid="pushed-branch-link" className="font-mono text-brand-700 underline" href={treeUrl(gitlabUrl, c.projectPath, c.pushedBranch)} target="_blank" rel="noreferrer">
                {c.pushedBranch}
              </a>
            </li>
          ) : null}
          {c.mergeRequestUrl ? (
            <li>
              Merge request:{" "}
              <a data-testid="merge-request-link" className="text-brand-700 underline" href={c.mergeRequestUrl} target="_blank" rel="noreferrer">
                {c.mergeRequestUrl}
              </a>
            </li>
          ) : null}
        </ul>
      ) : null}

      {publishable && (hasWork || (c.pushedBranch && !c.mergeRequestUrl)) ? (
        <div className="mt-4 flex flex-wrap gap-2">
          {hasWork ? (
            <form action={pushAction}>
              <input type="hidden" name="conversationId" value={c.id} />
              <button data-testid="push-branch-button" type="submit" disabled={busy} className="h-9 rounded-md border border-slate-300 bg-white px-4 text-sm font-medium hover:bg-slate-50 disabled:cursor-not-allowed disabled:opacity-60">
                {pushing ? "Pushing…" : c.pushedBranch ? "Push new changes" : "Push branch"}
              </button>
            </form>
          ) : null}
          {!c.mergeRequestUrl ? (
            <form action={mrAction}>
              <input type="hidden" name="conversationId" value={c.id} />
              <button data-testid="open-mr-button" type="submit" disabled={busy} className="h-9 rounded-md bg-brand-600 px-4 text-sm font-medium text-white hover:bg-brand-700 disabled:cursor-not-allowed disabled:bg-slate-300">
                {opening ? "Opening…" : "Open merge request"}
              </button>
            </form>
          ) : null}
        </div>
      ) : null}
      {error ? (
        <p role="alert" className="mt-3 text-sm text-red-700">
          {error}
        </p>
      ) : null}
    </section>
  );
}
