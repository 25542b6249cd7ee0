"use client";

import { useState } from "react";
import type { ConversationStatus } from "@/db/schema";
import type { StoredTimelineEvent, TimelineEvent } from "@/lib/conversations/event-types";
import { Markdown } from "@/components/markdown";
import { verdictLabel } from "@/lib/conversations/outcome";

/** Outputs longer than this are collapsed behind a <details> (their last lines stay visible). */
const COLLAPSE_LINES = 12;
const COLLAPSE_CHARS = 1_500;
/** Messages longer than this show their start, with the rest one click away (rendered once either way). */
const MESSAGE_PREVIEW_CHARS = 2_000;

/**
 * Events of the latest run that the result panel already says: the agent's closing message when it
 * is the summary ("Done. Created a.txt" next to "Created a.txt"), and the failure reason (issue 17:
 * the timeline repeated itself). Earlier runs keep everything: their summaries are not shown
 * elsewhere.
 */
export function hiddenByResultPanel(events: StoredTimelineEvent[], final: { summary: string | null; error: string | null } | null): Set<number> {
  const hidden = new Set<number>();
  if (!final) return hidden;
  const lastResult = events.findLastIndex((e) => e.event.kind === "result");
  if (lastResult < 0) return hidden;
  const runStart = events.slice(0, lastResult).findLastIndex((e) => e.event.kind === "result");
  const same = (a: string, b: string | null) => !!b && a.trim().replace(/^Done\.\s*/, "") === b.trim();
  for (const e of events.slice(runStart + 1, lastResult)) {
    if (e.event.kind === "message" && same(e.event.text, final.summary)) hidden.add(e.seq);
    if (e.event.kind === "error" && (same(e.event.message, final.error) || same(e.event.message, final.summary))) hidden.add(e.seq);
  }
  return hidden;
}

export function Timeline({ events: all, status, final = null }: { events: StoredTimelineEvent[]; status: ConversationStatus; final?: { summary: string | null; error: string | null } | null }) {
  const hidden = hiddenByResultPanel(all, final);
  const events = all.filter((e) => !hidden.has(e.seq));
  if (events.length === 0) {
    return (
      <section className="rounded-lg border border-dashed border-slate-300 bg-white p-6 text-center text-sm text-slate-600" data-testid="conversation-timeline">
        {status === "queued" ? "Waiting for a worker to pick up this conversation…" : "Nothing has happened in this conversation yet."}
      </section>
    );
  }
  return (
    <section aria-label="Timeline" className="space-y-2" data-testid="conversation-timeline">
      <ol className="space-y-2">
        {events.map((e) => (
          <li key={e.seq} data-testid="timeline-event" data-kind={e.event.kind} data-seq={e.seq}>
            <EventItem event={e.event} at={e.createdAt} />
          </li>
        ))}
      </ol>
      {status === "queued" ? <p className="text-center text-xs text-slate-500">Queued: waiting for a worker…</p> : null}
    </section>
  );
}

const editVerb = { create: "Created", modify: "Edited", delete: "Deleted" } as const;
const statusWord = { finished: "Finished", failed: "Failed", cancelled: "Cancelled" } as const;

function time(at: string) {
  return new Date(at).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" });
}

function EventItem({ event, at }: { event: TimelineEvent; at: string }) {
  switch (event.kind) {
    case "user_message":
      return (
        <div className="ml-auto max-w-[85%] rounded-lg bg-brand-50 px-4 py-2 ring-1 ring-brand-100">
          <p className="mb-1 text-xs font-medium text-brand-700">You · {time(at)}</p>
          <LongMarkdown text={event.text} />
        </div>
      );
    case "message":
      return (
        <div className="max-w-[85%] rounded-lg bg-white px-4 py-2 ring-1 ring-slate-200">
          <p className="mb-1 text-xs font-medium text-slate-500">Agent · {time(at)}</p>
          <LongMarkdown text={event.text} />
        </div>
      );
    case "command":
      return (
        <pre className="overflow-x-auto rounded-md bg-slate-900 px-3 py-2 font-mono text-xs text-emerald-300">
          <span aria-hidden className="select-none text-slate-500">$ </span>
          {event.command}
        </pre>
      );
    case "output":
      return <Output text={event.text} exitCode={event.exitCode} truncated={event.truncated} />;
    case "file_edit":
      return (
        <p className="text-sm text-slate-700">
          {editVerb[event.action]} <code className="rounded bg-slate-100 px-1 font-mono text-xs">{event.path}</code>
        </p>
      );
    case "error":
      return (
        <p role="alert" className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
          {event.message}
        </p>
      );
    case "status":
      // A transition is a divider with the status only: the reason of an ended run is shown once,
      // in the result panel (issue 17: it appeared five times).
      return event.status ? (
        <p className="flex items-center gap-3 text-xs uppercase tracking-wide text-slate-500">
          <span className="h-px flex-1 bg-slate-200" />
          {event.status === "queued" || event.status === "starting" || event.status === "running" ? event.text : statusWord[event.status]}
          <span className="h-px flex-1 bg-slate-200" />
        </p>
      ) : (
        <p className="text-xs text-slate-500">{event.text}</p>
      );
    case "result":
      // One line per run: how it ended and what it changed. The agent's words are in its messages
      // above, the summary and the reason in the result panel below.
      return (
        <p className="text-sm text-slate-700" data-testid="run-result" data-outcome={event.outcome}>
          <span className="font-medium">Run ended: {verdictLabel[event.outcome]}.</span>{" "}
          {event.changedFiles.length > 0 ? (
            <>
              Changed{" "}
              {event.changedFiles.map((f, i) => (
                <span key={f}>
                  {i > 0 ? ", " : ""}
                  <code className="rounded bg-slate-100 px-1 font-mono text-xs">{f}</code>
                </span>
              ))}
              .
            </>
          ) : (
            "No files changed in this run."
          )}
        </p>
      );
    case "branch_pushed":
      return (
        <p className="text-sm text-slate-700">
          Pushed branch{" "}
          <a className="font-mono text-brand-700 underline" href={event.url} target="_blank" rel="noreferrer">
            {event.branch}
          </a>
        </p>
      );
    case "setup":
      // The repository's setup script: always one collapsible step, open when it failed.
      return (
        <details open={!event.ok} data-testid="setup-step" className={`rounded-md ring-1 ${event.ok ? "ring-slate-200" : "ring-red-300"}`}>
          <summary className="cursor-pointer px-3 py-1.5 text-xs text-slate-700">
            Repository setup <code className="font-mono">{event.script}</code> ·{" "}
            {event.ok ? "done" : event.timedOut ? "timed out" : `failed (exit ${event.exitCode ?? "?"})`} · {Math.round(event.durationMs / 100) / 10} s
          </summary>
          <pre className={`max-h-96 overflow-auto whitespace-pre-wrap break-words px-3 py-2 font-mono text-xs ${event.ok ? "bg-slate-800 text-slate-100" : "bg-red-950 text-red-100"}`}>
            {event.truncated ? "… (earlier output cut)\n" : ""}
            {event.output || "(no output)"}
          </pre>
        </details>
      );
    case "merge_request":
      return (
        <p className="text-sm text-slate-700">
          {event.reused ? "Merge request already open: " : "Opened merge request "}
          <a className="text-brand-700 underline" href={event.url} target="_blank" rel="noreferrer">
            !{event.iid}
          </a>
        </p>
      );
  }
}

function Output({ text, exitCode, truncated }: { text: string; exitCode?: number | null; truncated?: boolean }) {
  const lines = text.split("\n");
  const long = lines.length > COLLAPSE_LINES || text.length > COLLAPSE_CHARS;
  const failed = exitCode !== undefined && exitCode !== null && exitCode !== 0;
  const body = (
    <pre className={`max-h-96 overflow-auto whitespace-pre-wrap break-words rounded-md px-3 py-2 font-mono text-xs ${failed ? "bg-red-950 text-red-100" : "bg-slate-800 text-slate-100"}`}>
      {truncated ? "… (earlier output cut)\n" : ""}
      {text}
    </pre>
  );
  const exit = exitCode !== undefined && exitCode !== null ? ` · exit ${exitCode}` : "";
  if (!long) return body;
  return (
    <details className="rounded-md ring-1 ring-slate-200">
      <summary className="cursor-pointer px-3 py-1.5 text-xs text-slate-600">
        Output ({lines.length} lines{exit}) — {lines.filter(Boolean).at(-1)?.slice(0, 80)}
      </summary>
      {body}
    </details>
  );
}

/**
 * A message, whole when short. A long one shows its start and says how much is left; "Show all"
 * swaps in the whole text, so it is rendered once either way.
 */
function LongMarkdown({ text }: { text: string }) {
  const [all, setAll] = useState(false);
  if (text.length <= MESSAGE_PREVIEW_CHARS) return <Markdown text={text} />;
  return (
    <div>
      <Markdown text={all ? text : `${text.slice(0, MESSAGE_PREVIEW_CHARS)}…`} />
      <button type="button" className="text-xs font-medium text-brand-700 underline" onClick={() => setAll(!all)} aria-expanded={all}>
        {all ? "Show less" : `Show all ${text.length.toLocaleString("en")} characters`}
      </button>
    </div>
  );
}
