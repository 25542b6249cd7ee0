"use client";

import { useEffect, useMemo, useRef, useState } from "react";
import { useRouter } from "next/navigation";
import { StatusBadge } from "@/components/status-badge";
import { Badge } from "@/components/ui/badge";
import { conversationLinks, triggerWords } from "@/lib/conversations/links";
import type { StoredTimelineEvent } from "@/lib/conversations/event-types";
import type { ConversationView } from "@/lib/conversations/view";
import { CancelButton } from "./cancel-button";
import { FollowUpForm } from "./follow-up-form";
import { ResultPanel } from "./result-panel";
import { Timeline } from "./timeline";

const TERMINAL = new Set(["finished", "failed", "cancelled"]);

type Connection = "idle" | "connecting" | "live" | "reconnecting" | "ended";

/** "Connecting…" only when opening the stream takes this long: short runs never flash it. */
const CONNECTING_GRACE_MS = 1_500;

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
    const grace = setTimeout(() => setConnection((now) => (now === "idle" || now === "ended" ? "connecting" : now)), CONNECTING_GRACE_MS);
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
      // The run is over; the page refreshes into its final state without a "Connecting…" meanwhile.
      setConnection("ended");
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
    return () => {
      clearTimeout(grace);
      source.close();
    };
    // Reopened when the conversation becomes live again (a follow-up started a new run).
  }, [live, c.id, router]);

  const links = conversationLinks(props.gitlabUrl, c);
  return (
    <article className="space-y-6">
      <header className="rounded-lg border border-slate-200 bg-white p-5" data-testid="conversation-header">
        <div className="flex flex-wrap items-start justify-between gap-3">
          <h1 className="w-full min-w-0 break-words text-xl font-semibold sm:w-auto sm:flex-1">{c.title || "Conversation"}</h1>
          <div className="flex items-center gap-2">
            {props.isTestAgent ? (
              <Badge tone="warning" data-testid="test-agent-label" title="AGENT_RUNTIME=scripted: a deterministic agent for tests and demos">
                Test agent
              </Badge>
            ) : null}
            <LiveIndicator connection={live ? connection : "idle"} />
            <StatusBadge status={c.status} outcome={c.outcome} />
          </div>
        </div>
        <dl className="mt-3 grid grid-cols-1 gap-x-6 gap-y-2 text-sm sm:grid-cols-2 lg:grid-cols-4">
          <div className="min-w-0">
            <dt className="text-slate-500">Repository</dt>
            <dd className="truncate font-medium" data-testid="conversation-repository">
              <a className="hover:underline" href={links.repository} target="_blank" rel="noreferrer">
                {c.projectPath}
              </a>
            </dd>
          </div>
          <div className="min-w-0">
            <dt className="text-slate-500">Branch</dt>
            <dd className="truncate font-mono text-sm" data-testid="conversation-branch">
              {c.branch}
            </dd>
          </div>
          <div className="min-w-0">
            <dt className="text-slate-500">Trigger</dt>
            <dd data-testid="conversation-trigger">
              {links.source ? (
                <>
                  <a className="text-brand-700 underline" href={links.source.url} target="_blank" rel="noreferrer" data-testid="trigger-source-link">
                    {links.source.label}
                  </a>
                  {links.comment ? (
                    <>
                      {" · "}
                      <a className="text-brand-700 underline" href={links.comment} target="_blank" rel="noreferrer" data-testid="trigger-comment-link">
                        comment
                      </a>
                    </>
                  ) : (
                    " · label"
                  )}
                </>
              ) : (
                triggerWords(c)
              )}
            </dd>
          </div>
          <div className="min-w-0">
            <dt className="text-slate-500">Created on GitLab</dt>
            <dd className="space-x-2" data-testid="conversation-created">
              {links.branch ? (
                <a data-testid="pushed-branch-link" className="font-mono text-brand-700 underline" href={links.branch.url} target="_blank" rel="noreferrer">
                  {links.branch.name}
                </a>
              ) : null}
              {links.mergeRequest ? (
                <a data-testid="merge-request-link" className="text-brand-700 underline" href={links.mergeRequest} target="_blank" rel="noreferrer">
                  {mergeRequestLabel(links.mergeRequest)}
                </a>
              ) : null}
              {!links.branch && !links.mergeRequest ? <span className="text-slate-500">Nothing yet</span> : null}
            </dd>
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

      <Timeline events={events} status={c.status} final={live ? null : { summary: c.summary, error: c.error }} />

      {!live ? <ResultPanel conversation={c} /> : null}

      <FollowUpForm conversationId={c.id} running={live} />
    </article>
  );
}

/** "Merge request !12" from a GitLab MR URL; the URL itself when it has another shape. */
function mergeRequestLabel(url: string): string {
  const iid = /\/merge_requests\/(\d+)/.exec(url)?.[1];
  return iid ? `Merge request !${iid}` : url;
}

function LiveIndicator({ connection }: { connection: Connection }) {
  if (connection === "idle" || connection === "ended") return null;
  const text = connection === "live" ? "Live" : connection === "connecting" ? "Connecting…" : "Reconnecting…";
  const dot = connection === "live" ? "bg-emerald-500" : "bg-amber-500";
  return (
    <span data-testid="live-indicator" data-state={connection} className="inline-flex items-center gap-1.5 text-xs text-slate-600">
      <span aria-hidden className={`h-2 w-2 rounded-full ${dot} ${connection === "live" ? "animate-pulse" : ""}`} />
      {text}
    </span>
  );
}
