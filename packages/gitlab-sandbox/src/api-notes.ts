// Notes, discussions (threads, replies, inline DiffNotes, resolving) and award emoji on notes, for
// issues and merge requests alike.
import { z } from "zod";
import { fire, issueFor, mrFor, paged, projectFor, type ProjectAccess } from "./api-common";
import { requireUser } from "./auth";
import { created, noContent, ok, type ApiResult, type ApiRoute, type Ctx } from "./context";
import { positionInDiff } from "./diff-lines";
import { versionDiffs } from "./mr-service";
import { badRequest, forbidden, HttpError, notFound } from "./http";
import { awardOnNote, createNote, editNote, removeAward, replyToDiscussion, resolveDiscussion, type Noteable } from "./note-service";
import { validate, zBool, zInt, zStr } from "./params";
import { awardEntity, discussionEntity, noteEntity } from "./present-notes";
import type { DiffPosition, Discussion, Note } from "./store";

type Kind = "issues" | "merge_requests";

interface Target { pa: ProjectAccess; n: Noteable; discussionIds: string[]; locked: boolean }

function targetFor(ctx: Ctx, kind: Kind): Target {
  const pa = projectFor(ctx);
  if (kind === "issues") {
    const issue = issueFor(ctx, pa);
    return { pa, n: { type: "Issue", issue }, discussionIds: issue.discussionIds, locked: issue.discussionLocked === true };
  }
  const mr = mrFor(ctx, pa);
  return { pa, n: { type: "MergeRequest", mr }, discussionIds: mr.discussionIds, locked: false };
}

/** Internal notes are for Reporter+ (they are hidden from Guests and non-members). */
function canSeeNote(t: Target, note: Note): boolean {
  return !note.internal || t.pa.level >= 20;
}

function assertCanComment(t: Target): void {
  const user = t.pa.user;
  if (!user) throw forbidden();
  if (t.pa.project.visibility === "private" && t.pa.level < 10) throw forbidden();
  if (t.locked && t.pa.level < 20) throw forbidden();
}

function visibleNotes(ctx: Ctx, t: Target): Note[] {
  return ctx.app.store.notesOf(t.n.type, t.discussionIds).filter((n) => canSeeNote(t, n));
}

function findNote(ctx: Ctx, t: Target): Note {
  const note = ctx.app.store.notes.get(Number(ctx.params.note_id));
  if (!note || note.noteableType !== t.n.type || !t.discussionIds.includes(note.discussionId) || !canSeeNote(t, note)) throw notFound("Note");
  return note;
}

function findDiscussion(ctx: Ctx, t: Target): Discussion {
  const d = ctx.app.store.discussions.get(ctx.params.discussion_id ?? "");
  if (!d || !t.discussionIds.includes(d.id)) throw notFound("Discussion");
  return d;
}

const BodySchema = z.object({ body: zStr, internal: zBool.optional(), confidential: zBool.optional(), created_at: zStr.optional() });

function bodyInput(ctx: Ctx): { body: string; internal: boolean } {
  const input = validate(BodySchema, ctx.input, ["body"]);
  if (input.body.length > 1_000_000) throw badRequest('Note {:note=>["is too long (maximum is 1000000 characters)"]}');
  return { body: input.body, internal: input.internal ?? input.confidential ?? false };
}

const PositionSchema = z.object({
  base_sha: zStr, start_sha: zStr, head_sha: zStr, position_type: z.enum(["text", "image", "file"]),
  new_path: zStr.optional(), old_path: zStr.optional(), new_line: zInt.optional(), old_line: zInt.optional(),
});

async function parsePosition(ctx: Ctx, t: Target): Promise<DiffPosition | null> {
  const raw = ctx.input.position;
  if (raw === undefined || raw === null || t.n.type !== "MergeRequest") return null;
  const parsed = PositionSchema.safeParse(raw);
  const incomplete = (): HttpError => badRequest('Note {:line_code=>["can\'t be blank", "must be a valid line code"], :position=>["is incomplete"]}');
  if (!parsed.success || parsed.data.position_type !== "text") throw incomplete();
  const p = parsed.data;
  const newPath = p.new_path ?? p.old_path;
  const oldPath = p.old_path ?? p.new_path;
  if (!newPath || !oldPath || (p.new_line === undefined && p.old_line === undefined)) throw incomplete();
  const mr = t.n.mr;
  // The SHAs must name a diff version of this MR (GET …/versions); otherwise GitLab has no diff to
  // find the line in and the line code stays blank: the same 400 as a line outside the diff.
  const version = mr.versions.find((v) => v.baseSha === p.base_sha && v.startSha === p.start_sha && v.headSha === p.head_sha);
  const lineCodeBlank = (): HttpError => badRequest('Note {:line_code=>["can\'t be blank", "must be a valid line code"]}');
  if (!version) throw lineCodeBlank();
  const cmp = await versionDiffs(ctx.app, t.pa.project, mr, version);
  if (!positionInDiff(cmp.diffs, { oldPath, newPath }, { oldLine: p.old_line ?? null, newLine: p.new_line ?? null })) throw lineCodeBlank();
  return {
    base_sha: p.base_sha, start_sha: p.start_sha, head_sha: p.head_sha, old_path: oldPath, new_path: newPath, position_type: "text",
    old_line: p.old_line ?? null, new_line: p.new_line ?? null, line_range: null,
  };
}

function listNotes(ctx: Ctx, kind: Kind): ApiResult {
  const t = targetFor(ctx, kind);
  const orderBy = ctx.query.get("order_by") ?? "created_at";
  const dir = (ctx.query.get("sort") ?? "desc") === "asc" ? 1 : -1;
  const key = (n: Note): number => (orderBy === "updated_at" ? n.updatedAt : n.createdAt);
  const notes = visibleNotes(ctx, t).sort((a, b) => (key(a) - key(b)) * dir || (a.id - b.id) * dir);
  return paged(ctx, notes, (n) => noteEntity(ctx.app, n));
}

function postNote(ctx: Ctx, kind: Kind): ApiResult {
  const user = requireUser(ctx);
  const t = targetFor(ctx, kind);
  assertCanComment(t);
  const { note, event } = createNote(ctx.app, t.pa.project, t.n, user, bodyInput(ctx));
  fire(ctx, t.pa.project, event);
  return created(noteEntity(ctx.app, note));
}

function getNote(ctx: Ctx, kind: Kind): ApiResult {
  return ok(noteEntity(ctx.app, findNote(ctx, targetFor(ctx, kind))));
}

function putNote(ctx: Ctx, kind: Kind): ApiResult {
  const user = requireUser(ctx);
  const t = targetFor(ctx, kind);
  const note = findNote(ctx, t);
  const input = validate(z.object({ body: zStr.optional(), resolved: zBool.optional() }), ctx.input);
  if (input.body === undefined && input.resolved === undefined) throw new HttpError(400, { error: "body, resolved are missing, at least one parameter must be provided" });
  if (input.resolved !== undefined) {
    const d = ctx.app.store.discussions.get(note.discussionId);
    if (d && t.n.type === "MergeRequest" && t.pa.level >= 30) resolveDiscussion(ctx.app, d, user, input.resolved);
  }
  if (input.body !== undefined && input.body !== note.body) {
    if (note.authorId !== user.id && t.pa.level < 40) throw forbidden();
    fire(ctx, t.pa.project, editNote(ctx.app, t.pa.project, note, user, input.body));
  }
  return ok(noteEntity(ctx.app, note));
}

function deleteNote(ctx: Ctx, kind: Kind): ApiResult {
  const user = requireUser(ctx);
  const t = targetFor(ctx, kind);
  const note = findNote(ctx, t);
  if (note.authorId !== user.id && t.pa.level < 40) throw forbidden();
  ctx.app.store.notes.delete(note.id);
  const d = ctx.app.store.discussions.get(note.discussionId);
  if (d) {
    d.noteIds = d.noteIds.filter((id) => id !== note.id);
    if (d.noteIds.length === 0) {
      ctx.app.store.discussions.delete(d.id);
      const idx = t.discussionIds.indexOf(d.id);
      if (idx >= 0) t.discussionIds.splice(idx, 1);
    }
  }
  return noContent();
}

function listDiscussions(ctx: Ctx, kind: Kind): ApiResult {
  const t = targetFor(ctx, kind);
  const discussions = t.discussionIds
    .map((id) => ctx.app.store.discussions.get(id))
    .filter((d): d is Discussion => d !== undefined)
    .filter((d) => d.noteIds.some((id) => {
      const n = ctx.app.store.notes.get(id);
      return n !== undefined && canSeeNote(t, n);
    }));
  return paged(ctx, discussions, (d) => discussionEntity(ctx.app, d));
}

async function postDiscussion(ctx: Ctx, kind: Kind): Promise<ApiResult> {
  const user = requireUser(ctx);
  const t = targetFor(ctx, kind);
  assertCanComment(t);
  const input = bodyInput(ctx);
  const position = await parsePosition(ctx, t);
  const { discussion, event } = createNote(ctx.app, t.pa.project, t.n, user, { ...input, position }, true);
  fire(ctx, t.pa.project, event);
  return created(discussionEntity(ctx.app, discussion));
}

function getDiscussion(ctx: Ctx, kind: Kind): ApiResult {
  const t = targetFor(ctx, kind);
  return ok(discussionEntity(ctx.app, findDiscussion(ctx, t)));
}

function putDiscussion(ctx: Ctx, kind: Kind): ApiResult {
  const user = requireUser(ctx);
  const t = targetFor(ctx, kind);
  const d = findDiscussion(ctx, t);
  const input = validate(z.object({ resolved: zBool }), ctx.input, ["resolved"]);
  if (t.n.type !== "MergeRequest") throw notFound();
  if (t.pa.level < 30) throw forbidden();
  resolveDiscussion(ctx.app, d, user, input.resolved);
  return ok(discussionEntity(ctx.app, d));
}

function replyDiscussion(ctx: Ctx, kind: Kind): ApiResult {
  const user = requireUser(ctx);
  const t = targetFor(ctx, kind);
  const d = findDiscussion(ctx, t);
  assertCanComment(t);
  const { note, event } = replyToDiscussion(ctx.app, t.pa.project, t.n, d, user, bodyInput(ctx));
  fire(ctx, t.pa.project, event);
  return created(noteEntity(ctx.app, note));
}

function listAwards(ctx: Ctx, kind: Kind): ApiResult {
  const t = targetFor(ctx, kind);
  const note = findNote(ctx, t);
  const awards = [...ctx.app.store.awards.values()].filter((a) => a.awardableType === "Note" && a.awardableId === note.id);
  return paged(ctx, awards, (a) => awardEntity(ctx.app, a));
}

function postAward(ctx: Ctx, kind: Kind): ApiResult {
  const user = requireUser(ctx);
  const t = targetFor(ctx, kind);
  const note = findNote(ctx, t);
  const { name } = validate(z.object({ name: zStr }), ctx.input, ["name"]);
  if (!/^[a-z0-9_+-]+$/.test(name)) throw notFound("Award Emoji Name is not included in the list");
  const result = awardOnNote(ctx.app, t.pa.project, note, user, name);
  if (result === "taken") throw notFound("Award Emoji Name has already been taken");
  fire(ctx, t.pa.project, result.event);
  return created(awardEntity(ctx.app, result.award));
}

function getAward(ctx: Ctx, kind: Kind): ApiResult {
  const t = targetFor(ctx, kind);
  const note = findNote(ctx, t);
  const award = ctx.app.store.awards.get(Number(ctx.params.award_id));
  if (!award || award.awardableType !== "Note" || award.awardableId !== note.id) throw notFound("Award Emoji");
  return ok(awardEntity(ctx.app, award));
}

function deleteAward(ctx: Ctx, kind: Kind): ApiResult {
  const user = requireUser(ctx);
  const t = targetFor(ctx, kind);
  const note = findNote(ctx, t);
  const award = ctx.app.store.awards.get(Number(ctx.params.award_id));
  if (!award || award.awardableType !== "Note" || award.awardableId !== note.id) throw notFound("Award Emoji");
  if (award.userId !== user.id && !user.admin) throw forbidden();
  fire(ctx, t.pa.project, removeAward(ctx.app, t.pa.project, note, award, user));
  return noContent();
}

function routesFor(kind: Kind, iidParam: string): ApiRoute[] {
  const base = `/projects/:id/${kind}/:${iidParam}`;
  const r = (method: string, path: string, h: (ctx: Ctx, kind: Kind) => ApiResult | Promise<ApiResult>): ApiRoute => ({ method, path: base + path, handler: (ctx) => h(ctx, kind) });
  return [
    r("GET", "/notes", listNotes), r("POST", "/notes", postNote), r("GET", "/notes/:note_id", getNote),
    r("PUT", "/notes/:note_id", putNote), r("DELETE", "/notes/:note_id", deleteNote),
    r("GET", "/discussions", listDiscussions), r("POST", "/discussions", postDiscussion),
    r("GET", "/discussions/:discussion_id", getDiscussion), r("PUT", "/discussions/:discussion_id", putDiscussion),
    r("POST", "/discussions/:discussion_id/notes", replyDiscussion),
    r("PUT", "/discussions/:discussion_id/notes/:note_id", putNote), r("DELETE", "/discussions/:discussion_id/notes/:note_id", deleteNote),
    r("GET", "/notes/:note_id/award_emoji", listAwards), r("POST", "/notes/:note_id/award_emoji", postAward),
    r("GET", "/notes/:note_id/award_emoji/:award_id", getAward), r("DELETE", "/notes/:note_id/award_emoji/:award_id", deleteAward),
  ];
}

export const noteRoutes: ApiRoute[] = [...routesFor("issues", "issue_iid"), ...routesFor("merge_requests", "merge_request_iid")];
