import { readFileSync } from "node:fs";
import path from "node:path";
import { officialFixturesDir } from "@gitlab-agent/gitlab-sandbox/official-fixtures";

/**
 * Payload factories built from GitLab's official examples (packages/gitlab-sandbox/fixtures/gitlab/, copied from the
 * docs): each returns a fresh, valid event with the overrides a test needs. Tests state what they
 * change; everything else stays exactly as GitLab documents it.
 */

type Json = Record<string, unknown>;

export function fixture(name: string): Json {
  return JSON.parse(readFileSync(path.join(officialFixturesDir, name), "utf8")) as Json;
}

export const OFFICIAL_EVENTS: { file: string; header: string }[] = [
  { file: "issue_opened.json", header: "Issue Hook" },
  { file: "issue_label_added.json", header: "Issue Hook" },
  { file: "note_issue.json", header: "Note Hook" },
  { file: "note_merge_request.json", header: "Note Hook" },
  { file: "note_commit.json", header: "Note Hook" },
  { file: "note_snippet.json", header: "Note Hook" },
  { file: "merge_request_opened.json", header: "Merge Request Hook" },
];

const label = (title: string, id: number): Json => ({
  id,
  title,
  color: "#428bca",
  project_id: 14,
  created_at: "2013-12-03T17:15:43Z",
  updated_at: "2013-12-03T17:15:43Z",
  template: false,
  description: null,
  type: "ProjectLabel",
  group_id: null,
});

/** issue_label_added.json with `openhands` as the label being added (the doc's example adds "Platform"). */
export function labelAddedEvent(overrides: { projectId?: number; iid?: number; userId?: number; username?: string; labelTitle?: string; alreadyPresent?: boolean } = {}): Json {
  const event = fixture("issue_label_added.json");
  const attrs = event.object_attributes as Json;
  const changes = event.changes as { labels: { previous: Json[]; current: Json[] } };
  const added = label(overrides.labelTitle ?? "openhands", 999);
  changes.labels.current = [...changes.labels.previous, added];
  if (overrides.alreadyPresent) changes.labels.previous = [...changes.labels.previous, added];
  attrs.labels = changes.labels.current;
  event.labels = changes.labels.current;
  if (overrides.iid !== undefined) attrs.iid = overrides.iid;
  if (overrides.projectId !== undefined) (event.project as Json).id = overrides.projectId;
  if (overrides.userId !== undefined) (event.user as Json).id = overrides.userId;
  if (overrides.username !== undefined) (event.user as Json).username = overrides.username;
  return event;
}

/** note_issue.json with another body (and optionally action, system flag, ids). */
export function issueNoteEvent(body: string, overrides: { action?: string; system?: boolean; noteId?: number; userId?: number; discussionId?: string } = {}): Json {
  const event = fixture("note_issue.json");
  const attrs = event.object_attributes as Json;
  attrs.note = body;
  if (overrides.action !== undefined) attrs.action = overrides.action;
  if (overrides.system !== undefined) attrs.system = overrides.system;
  if (overrides.noteId !== undefined) attrs.id = overrides.noteId;
  if (overrides.discussionId !== undefined) attrs.discussion_id = overrides.discussionId;
  if (overrides.userId !== undefined) {
    (event.user as Json).id = overrides.userId;
    attrs.author_id = overrides.userId;
  }
  return event;
}

/** note_merge_request.json with another body, optionally as an inline diff comment. */
export function mergeRequestNoteEvent(body: string, overrides: { position?: Json; noteId?: number } = {}): Json {
  const event = fixture("note_merge_request.json");
  const attrs = event.object_attributes as Json;
  attrs.note = body;
  if (overrides.position) {
    attrs.type = "DiffNote";
    attrs.position = overrides.position;
  }
  if (overrides.noteId !== undefined) attrs.id = overrides.noteId;
  return event;
}
