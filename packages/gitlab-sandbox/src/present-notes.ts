// Note, discussion and award emoji entities (API::Entities::Note, Discussion, AwardEmoji).
import type { App } from "./context";
import { iso, isoOrNull } from "./format";
import { noteAuthor, userBasic } from "./present-users";
import type { AwardEmoji, Discussion, Note } from "./store";

/** Every user note on a merge request is resolvable (Noteable::RESOLVABLE_TYPES); issue notes are not. */
export function noteResolvable(note: Note): boolean {
  return !note.system && note.noteableType === "MergeRequest";
}

export function noteEntity(app: App, note: Note): Record<string, unknown> {
  const author = app.store.users.get(note.authorId);
  const resolvable = noteResolvable(note);
  const resolver = note.resolvedById === null ? undefined : app.store.users.get(note.resolvedById);
  return {
    id: note.id, type: note.type, body: note.body, attachment: null, author: author ? noteAuthor(app, author) : null,
    created_at: iso(note.createdAt), updated_at: iso(note.updatedAt), system: note.system, noteable_id: note.noteableId,
    noteable_type: note.noteableType, project_id: note.projectId, ...(note.noteableType === "MergeRequest" ? { commit_id: null } : {}),
    ...(note.position ? { position: { ...note.position } } : {}),
    resolvable, ...(resolvable ? { resolved: note.resolved, resolved_by: resolver ? userBasic(app, resolver) : null, resolved_at: isoOrNull(note.resolvedAt) } : {}),
    confidential: note.internal, internal: note.internal, imported: false, imported_from: "none", noteable_iid: note.noteableIid, commands_changes: {},
  };
}

export function discussionEntity(app: App, d: Discussion): Record<string, unknown> {
  const notes = d.noteIds.map((id) => app.store.notes.get(id)).filter((n): n is Note => n !== undefined);
  return { id: d.id, individual_note: d.individualNote, notes: notes.map((n) => noteEntity(app, n)) };
}

export function awardEntity(app: App, a: AwardEmoji): Record<string, unknown> {
  const user = app.store.users.get(a.userId);
  return {
    id: a.id, name: a.name, user: user ? userBasic(app, user) : null, created_at: iso(a.createdAt), updated_at: iso(a.updatedAt),
    awardable_id: a.awardableId, awardable_type: a.awardableType, url: null,
  };
}
