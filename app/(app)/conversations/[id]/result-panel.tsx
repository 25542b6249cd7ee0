"use client";

import { useActionState } from "react";
import { openMergeRequestAction, type OpenMergeRequestState } from "@/app/actions/open-merge-request";
import { pushBranchAction, type PushBranchState } from "@/app/actions/push-branch";
import { Markdown } from "@/components/markdown";
import { Button } from "@/components/ui/button";
import { conversationVerdict, verdictLabel, verdictSentence } from "@/lib/conversations/outcome";
import type { ConversationView } from "@/lib/conversations/view";

const FileList = ({ files, testId }: { files: string[]; testId: string }) => (
  <ul className="mt-1 flex flex-wrap gap-1" data-testid={testId}>
    {files.map((f) => (
      <li key={f}>
        <code className="rounded bg-slate-100 px-1.5 py-0.5 font-mono text-xs">{f}</code>
      </li>
    ))}
  </ul>
);

/**
 * The end of a run: how it ended, why (once), what the agent said, what the whole conversation
 * changed, and for app/API conversations the two publishing buttons, also after a failed or
 * cancelled run that changed files (issue 17). The agent never pushes; these do, with the user's
 * own token.
 */
export function ResultPanel({ conversation: c }: { conversation: ConversationView }) {
  const [push, pushAction, pushing] = useActionState<PushBranchState, FormData>(pushBranchAction, { status: "idle" });
  const [mr, mrAction, opening] = useActionState<OpenMergeRequestState, FormData>(openMergeRequestAction, { status: "idle" });
  const verdict = conversationVerdict(c.status, c.outcome);
  const publishable = c.trigger === "ui" || c.trigger === "api";
  const hasWork = c.pendingFiles.length > 0;
  const busy = pushing || opening;
  const error = [push, mr].find((s) => s.status === "error")?.message;
  const ended = verdict === "failed" || verdict === "cancelled" || verdict === "timed_out";
  // The summary is shown unless it only repeats the reason.
  const showSummary = !!c.summary && !(c.error && c.summary.includes(c.error));

  return (
    <section className="rounded-lg border border-slate-200 bg-white p-5" aria-label="Result" data-testid="conversation-result">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h2 className="font-semibold" data-testid="conversation-outcome" data-verdict={verdict}>
          {verdictLabel[verdict]}
        </h2>
        {ended && c.error ? null : <p className="text-sm text-slate-600">{verdictSentence[verdict]}</p>}
      </div>
      {ended && c.error ? (
        <p role="alert" className="mt-3 rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800" data-testid="conversation-error">
          {verdict === "cancelled" ? "Cancelled" : "Reason"}: {c.error}
        </p>
      ) : null}
      <div className="mt-3" data-testid="conversation-summary">
        {showSummary ? <Markdown text={c.summary ?? ""} /> : !ended ? <p className="text-sm text-slate-500">The agent left no summary.</p> : null}
      </div>

      {c.conversationFiles.length > 0 ? (
        <div className="mt-4 text-sm text-slate-700">
          <p className="font-medium">{ended ? "Changed before the run stopped" : "Files this conversation changed"}</p>
          <FileList files={c.conversationFiles} testId="conversation-files" />
        </div>
      ) : (
        <p className="mt-4 text-sm text-slate-600" data-testid="conversation-files-none">
          No files changed in this conversation.
        </p>
      )}
      {hasWork && publishable ? (
        <div className="mt-3 text-sm text-slate-700">
          <p className="font-medium">Not on GitLab yet</p>
          <FileList files={c.pendingFiles} testId="pending-files" />
        </div>
      ) : null}

      {publishable && (hasWork || (c.pushedBranch && !c.mergeRequestUrl)) ? (
        <div className="mt-4 flex flex-wrap gap-2">
          {hasWork ? (
            <form action={pushAction}>
              <input type="hidden" name="conversationId" value={c.id} />
              <Button data-testid="push-branch-button" type="submit" variant="secondary" disabled={busy} disabledReason="Wait: another push or merge request is in progress.">
                {pushing ? "Pushing…" : c.pushedBranch ? "Push new changes" : "Push branch"}
              </Button>
            </form>
          ) : null}
          {!c.mergeRequestUrl ? (
            <form action={mrAction}>
              <input type="hidden" name="conversationId" value={c.id} />
              <Button data-testid="open-mr-button" type="submit" disabled={busy} disabledReason="Wait: a push is in progress.">
                {opening ? "Opening…" : "Open merge request"}
              </Button>
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
