// Comments and threads on issues and merge requests: individual notes, new discussions (optionally
// inline DiffNotes with a `position`), replies (which turn an individual note into a thread), edits
// and award emoji. Each returns the webhook event GitLab would send.
import type { App } from "./context";
import { discussionId } from "./format";
import type { AwardEmoji, DiffPosition, Discussion, Issue, MergeRequest, Note, NoteableType, Project, User } from "./store";
import { emojiEvent, noteEvent, type BuiltEvent } from "./webhook-payloads";

export type Noteable = { type: "Issue"; issue: Issue } | { type: "MergeRequest"; mr: MergeRequest };

function target(n: Noteable): { type: NoteableType; id: number; iid: number; discussionIds: string[]; touch(at: number): void } {
  const o = n.type === "Issue" ? n.issue : n.mr;
  return { type: n.type, id: o.id, iid: o.iid, discussionIds: o.discussionIds, touch: (at) => { o.updatedAt = at; } };
}

export interface NewNoteInput { body: string; internal?: boolean; position?: DiffPosition | null; createdAt?: number }

function makeNote(app: App, project: Project, n: Noteable, author: User, did: string, type: Note["type"], input: NewNoteInput): Note {
  const now = input.createdAt ?? Date.now();
  const t = target(n);
  const note: Note = {
    id: app.store.nextId("note"), projectId: project.id, noteableType: t.type, noteableId: t.id, noteableIid: t.iid, discussionId: did,
    authorId: author.id, body: input.body, system: false, internal: input.internal ?? false, createdAt: now, updatedAt: now, type,
    position: input.position ?? null, resolved: false, resolvedById: null, resolvedAt: null,
  };
  app.store.notes.set(note.id, note);
  t.touch(now);
  project.lastActivityAt = now;
  author.lastActivityAt = now;
  return note;
}

/** `POST …/notes`: a comment in its own individual discussion. With `thread`, a new discussion (`POST …/discussions`). */
export function createNote(app: App, project: Project, n: Noteable, author: User, input: NewNoteInput, thread = false): { note: Note; discussion: Discussion; event: BuiltEvent } {
  const did = discussionId();
  const type: Note["type"] = input.position ? "DiffNote" : thread ? "DiscussionNote" : null;
  const note = makeNote(app, project, n, author, did, type, input);
  const t = target(n);
  const discussion: Discussion = { id: did, projectId: project.id, noteableType: t.type, noteableId: t.id, individualNote: !thread && !input.position, noteIds: [note.id] };
  app.store.discussions.set(did, discussion);
  t.discussionIds.push(did);
  return { note, discussion, event: noteEvent(app, project, note, author, "create") };
}

/** `POST …/discussions/:id/notes`. Replying to an individual note converts it into a thread, as GitLab does. */
export function replyToDiscussion(app: App, project: Project, n: Noteable, discussion: Discussion, author: User, input: NewNoteInput): { note: Note; event: BuiltEvent } {
  const first = app.store.notes.get(discussion.noteIds[0] ?? -1);
  if (discussion.individualNote) {
    discussion.individualNote = false;
    if (first && first.type === null) first.type = "DiscussionNote";
  }
  const isDiff = first?.type === "DiffNote";
  const note = makeNote(app, project, n, author, discussion.id, isDiff ? "DiffNote" : "DiscussionNote", { ...input, position: isDiff ? first?.position ?? null : null });
  discussion.noteIds.push(note.id);
  return { note, event: noteEvent(app, project, note, author, "create") };
}

export function editNote(app: App, project: Project, note: Note, actor: User, body: string): BuiltEvent {
  note.body = body;
  note.updatedAt = Date.now();
  return noteEvent(app, project, note, actor, "update");
}

export function resolveDiscussion(app: App, discussion: Discussion, actor: User, resolved: boolean): void {
  const now = Date.now();
  for (const id of discussion.noteIds) {
    const note = app.store.notes.get(id);
    if (!note || note.system) continue;
    note.resolved = resolved;
    note.resolvedById = resolved ? actor.id : null;
    note.resolvedAt = resolved ? now : null;
  }
}

export function awardOnNote(app: App, project: Project, note: Note, actor: User, name: string): { award: AwardEmoji; event: BuiltEvent } | "taken" {
  for (const a of app.store.awards.values()) if (a.awardableType === "Note" && a.awardableId === note.id && a.userId === actor.id && a.name === name) return "taken";
  const now = Date.now();
  const award: AwardEmoji = { id: app.store.nextId("award"), name, userId: actor.id, awardableType: "Note", awardableId: note.id, createdAt: now, updatedAt: now };
  app.store.awards.set(award.id, award);
  return { award, event: emojiEvent(app, project, award, note, actor, "award") };
}

export function removeAward(app: App, project: Project, note: Note, award: AwardEmoji, actor: User): BuiltEvent {
  app.store.awards.delete(award.id);
  return emojiEvent(app, project, award, note, actor, "revoke");
}
