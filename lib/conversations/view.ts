import type { Database } from "@/db/client";
import type { Conversation, ConversationStatus, ConversationTrigger } from "@/db/schema";
import { getChanges } from "./changes";
import type { StoredTimelineEvent } from "./event-types";
import { listEvents } from "./events";
import { getConversation } from "./queries";

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
      pendingFiles: changes?.files ?? [],
    },
    events,
  };
}
