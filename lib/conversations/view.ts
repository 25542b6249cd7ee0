import type { Database } from "@/db/client";
import type { Conversation, ConversationStatus, ConversationTrigger } from "@/db/schema";
import type { StoredTimelineEvent } from "./event-types";
import { listEvents } from "./events";
import { getChanges, getConversation } from "./queries";

/** What the conversation page needs, serialisable for its client island. */
export interface ConversationView {
  id: string;
  title: string;
  status: ConversationStatus;
  trigger: ConversationTrigger;
  projectPath: string;
  branch: string;
  outcome: Conversation["outcome"];
  summary: string | null;
  error: string | null;
  pushedBranch: string | null;
  mergeRequestUrl: string | null;
  runtime: string | null;
  createdAt: string;
  issueIid: number | null;
  mergeRequestIid: number | null;
  noteId: number | null;
  /** every file any run of this conversation changed, in first-changed order (issue 17) */
  conversationFiles: string[];
  /** files of the agent's work not on GitLab yet (app/API conversations) */
  pendingFiles: string[];
}

/** Events rendered on the server; the live stream resumes after the last of them. */
export const INITIAL_EVENTS = 1000;

export async function loadConversationView(db: Database, input: { id: string; userId: string }): Promise<{ view: ConversationView; events: StoredTimelineEvent[] } | null> {
  const c = await getConversation(db, input);
  if (!c) return null;
  const [events, changes] = await Promise.all([listEvents(db, c.id, 0, INITIAL_EVENTS), getChanges(db, c.id)]);
  return {
    view: {
      id: c.id,
      title: c.title,
      status: c.status,
      trigger: c.trigger,
      projectPath: c.projectPath,
      branch: c.branch,
      outcome: c.outcome,
      summary: c.summary,
      error: c.error,
      pushedBranch: c.pushedBranch,
      mergeRequestUrl: c.mergeRequestUrl,
      runtime: c.runtime,
      createdAt: c.createdAt.toISOString(),
      issueIid: c.issueIid,
      mergeRequestIid: c.mergeRequestIid,
      noteId: c.noteId,
      conversationFiles: filesOfAllRuns(events, changes?.files ?? []),
      pendingFiles: changes?.files ?? [],
    },
    events,
  };
}

/** What the whole conversation changed: the union over its runs' results and its unpushed work. */
export function filesOfAllRuns(events: StoredTimelineEvent[], pending: string[]): string[] {
  const files = new Set<string>();
  for (const e of events) if (e.event.kind === "result") for (const f of e.event.changedFiles) files.add(f);
  for (const f of pending) files.add(f);
  return [...files];
}
