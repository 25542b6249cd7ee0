"use client";

import { useEffect, useMemo, useRef, useState } from "react";
import { useRouter } from "next/navigation";
import { StatusBadge } from "@/components/status-badge";
import type { StoredTimelineEvent } from "@/lib/conversations/event-types";
import type { ConversationView } from "@/lib/conversations/view";
import { CancelButton } from "./cancel-button";
import { FollowUpForm } from "./follow-up-form";
import { ResultPanel } from "./result-panel";
import { Timeline } from "./timeline";

const triggerLabel = { ui: "Launched from the app", issue: "GitLab issue", merge_request: "GitLab merge request", api: "Cloud API" } as const;
const TERMINAL = new Set(["finished", "failed", "cancelled"]);

type Connection = "idle" | "connecting" | "live" | "reconnecting";

/**
 * The live conversation. Events come from the server render, then from the SSE stream, which the
 * browser's EventSource reconnects by itself, sending `Last-Event-ID` (the last seq it got), so a
 * reconnect resumes exactly where it stopped. Status changes refresh the server-rendered parts
 * (header, summary, buttons) while the timeline keeps its state.
 */
export function ConversationClient(props: { conversation: ConversationView; initialEvents: StoredTimelineEvent[]; gitlabUrl: string; isTestAgent: boolean }) {
  const { conversation: c } = props;
  const router = useRouter();
  const [streamed, setStreamed] = useState<StoredTimelineEvent[]>([]);
  const [connection, setConnection] = useState<Connection>("idle");
  const [streamError, setStreamError] = useState<string | null>(null);

  // Server-rendered and streamed events, merged by seq (a refresh re-sends events we already have).
  const events = useMemo(() => {
    const bySeq = new Map<number, StoredTimelineEvent>();
    for (const e of props.initialEvents) bySeq.set(e.seq, e);
    for (const e of streamed) bySeq.set(e.seq, e);
    return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
  }, [props.initialEvents, streamed]);
  const lastSeq = events.at(-1)?.seq ?? 0;
  const lastSeqRef = useRef(lastSeq);
  useEffect(() => {
    lastSeqRef.current = lastSeq;
  }, [lastSeq]);

  const live = !TERMINAL.has(c.status);
  useEffect(() => {
    if (!live) return;
    const source = new EventSource(`/api/conversations/${c.id}/events?after=${lastSeqRef.current}`);
    source.onopen = () => {
      setConnection("live");
      setStreamError(null);
    };
    source.onmessage = (msg: MessageEvent<string>) => {
      const event = JSON.parse(msg.data) as StoredTimelineEvent;
      setStreamed((prev) => (prev.some((e) => e.seq === event.seq) ? prev : [...prev, event]));
      if (event.event.kind === "status" && event.event.status) router.refresh();
    };
    source.addEventListener("end", () => {
      source.close();
      setConnection("idle");
      router.refresh();
    });
    source.onerror = () => {
      // EventSource retries on its own; a closed source means the server refused (e.g. signed out).
      if (source.readyState === EventSource.CLOSED) {
        setConnection("idle");
        setStreamError("The live view stopped. Reload the page to resume.");
      } else {
        setConnection("reconnecting");
      }
    };
    return () => source.close();
    // Reopened when the conversation becomes live again (a follow-up started a new run).
  }, [live, c.id, router]);

  return (
    <article className="space-y-6">
      <header className="rounded-lg border border-slate-200 bg-white p-5" data-testid="conversation-header">
        <div className="flex flex-wrap items-center justify-between gap-3">
          <h1 className="min-w-0 break-words text-xl font-semibold">{c.title || "Conversation"}</h1>
          <div className="flex items-center gap-2">
            {props.isTestAgent ? (
              <span data-testid="test-agent-label" title="AGENT_RUNTIME=scripted: a deterministic agent for tests and demos" className="rounded-full bg-amber-100 px-2.5 py-0.5 text-xs font-medium text-amber-800">
                Test agent
              </span>
            ) : null}
            <LiveIndicator connection={live && connection === "idle" ? "connecting" : live ? connection : "idle"} />
            <StatusBadge status={c.status} />
          </div>
        </div>
        <dl className="mt-3 grid grid-cols-1 gap-2 text-sm sm:grid-cols-3">
          <div>
            <dt className="text-slate-500">Repository</dt>
            <dd className="font-medium" data-testid="conversation-repository">
              <a className="hover:underline" href={`${props.gitlabUrl}/${c.projectPath}`} target="_blank" rel="noreferrer">
                {c.projectPath}
              </a>
            </dd>
          </div>
          <div>
            <dt className="text-slate-500">Branch</dt>
            <dd className="font-mono text-sm" data-testid="conversation-branch">
              {c.branch}
            </dd>
          </div>
          <div>
            <dt className="text-slate-500">Trigger</dt>
            <dd data-testid="conversation-trigger">{triggerLabel[c.trigger]}</dd>
          </div>
        </dl>
        {live ? (
          <div className="mt-4 flex justify-end">
            <CancelButton conversationId={c.id} />
          </div>
        ) : null}
      </header>

      {streamError ? (
        <p role="alert" className="rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900">
          {streamError}
        </p>
      ) : null}

      <Timeline events={events} status={c.status} />

      {!live ? <ResultPanel conversation={c} gitlabUrl={props.gitlabUrl} /> : null}

      <FollowUpForm conversationId={c.id} running={live} />
    </article>
  );
}

function LiveIndicator({ connection }: { connection: Connection }) {
  if (connection === "idle") return null;
  const text = connection === "live" ? "Live" : connection === "connecting" ? "Connecting…" : "Reconnecting…";
  const dot = connection === "live" ? "bg-emerald-500" : "bg-amber-500";
  return (
    <span data-testid="live-indicator" data-state={connection} className="inline-flex items-center gap-1.5 text-xs text-slate-600">
      <span aria-hidden className={`h-2 w-2 rounded-full ${dot} ${connection === "live" ? "animate-pulse" : ""}`} />
      {text}
    </span>
  );
}
