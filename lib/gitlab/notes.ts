import { z } from "zod";
import { withGitLab, type GitLabApi } from "./client";
import type { RedactedText } from "@/lib/redaction";
import { parseOne } from "./paging";

/** Comments on issues and merge requests, and 👀-style award emoji on them. */

export type Noteable = { type: "issue" | "merge_request"; projectId: number; iid: number };

export const noteSchema = z
  .object({
    id: z.number().int(),
    body: z.string(),
    system: z.boolean().optional(),
    author: z.object({ id: z.number().int(), username: z.string() }).loose(),
    created_at: z.string().optional(),
    type: z.string().nullish(),
    position: z
      .object({ new_path: z.string().nullish(), old_path: z.string().nullish(), new_line: z.number().int().nullish(), old_line: z.number().int().nullish() })
      .loose()
      .nullish(),
  })
  .loose();

export interface NoteSummary {
  id: number;
  body: string;
  system: boolean;
  authorId: number;
  authorUsername: string;
  createdAt: string | null;
  /** set on replies and on the note that starts a thread */
  discussionId?: string;
}

export const toNoteSummary = (n: z.infer<typeof noteSchema>): NoteSummary => ({
  id: n.id,
  body: n.body,
  system: n.system ?? false,
  authorId: n.author.id,
  authorUsername: n.author.username,
  createdAt: n.created_at ?? null,
});

/**
 * A new top-level comment. One attempt per call (POST is not safe to repeat blindly). The body must
 * have gone through the redactor (issue 13): nothing the app writes on GitLab may carry a secret.
 */
export async function createNote(api: GitLabApi, target: Noteable, body: RedactedText): Promise<NoteSummary> {
  const raw = await withGitLab<unknown>(() =>
    target.type === "issue" ? api.IssueNotes.create(target.projectId, target.iid, body) : api.MergeRequestNotes.create(target.projectId, target.iid, body),
  );
  return toNoteSummary(parseOne(raw, noteSchema, "note"));
}

/** A reply in an existing thread (replying to a standalone comment turns it into a thread). */
export async function replyToDiscussion(api: GitLabApi, target: Noteable, discussionId: string, body: RedactedText): Promise<NoteSummary> {
  const raw = await withGitLab(() =>
    target.type === "issue"
      ? api.IssueDiscussions.addNote(target.projectId, target.iid, discussionId, body)
      : api.MergeRequestDiscussions.addNote(target.projectId, target.iid, discussionId, body),
  );
  return { ...toNoteSummary(parseOne(raw, noteSchema, "note")), discussionId };
}

/**
 * The newest comments first (one page of up to `perPage`, GitLab's cap is 100). System notes are
 * included: callers filter what they need.
 */
export async function listRecentNotes(api: GitLabApi, target: Noteable, opts: { perPage?: number; page?: number } = {}): Promise<NoteSummary[]> {
  const query = { sort: "desc" as const, orderBy: "created_at" as const, perPage: Math.min(100, opts.perPage ?? 100), page: opts.page ?? 1, maxPages: 1 };
  const raw = await withGitLab<unknown>(() =>
    target.type === "issue" ? api.IssueNotes.all(target.projectId, target.iid, query) : api.MergeRequestNotes.all(target.projectId, target.iid, query),
  );
  const list = z.array(z.unknown()).parse(raw);
  return list.flatMap((item) => {
    const parsed = noteSchema.safeParse(item);
    return parsed.success ? [toNoteSummary(parsed.data)] : [];
  });
}

/**
 * Awards an emoji on a comment. Awarding twice is not an error for us: GitLab answers 404 "has
 * already been taken" (older versions 400/409), which means the reaction is there.
 */
export async function awardEmojiOnNote(api: GitLabApi, target: Noteable, noteId: number, name: string): Promise<"awarded" | "already"> {
  try {
    await withGitLab(() =>
      target.type === "issue"
        ? api.IssueNoteAwardEmojis.award(target.projectId, target.iid, noteId, name)
        : api.MergeRequestNoteAwardEmojis.award(target.projectId, target.iid, noteId, name),
    );
    return "awarded";
  } catch (err) {
    if (err instanceof Error && "gitlabMessage" in err && /already been taken/i.test(String(err.gitlabMessage))) return "already";
    throw err;
  }
}
