import { z } from "zod";
import type { GitLabApi } from "./client";
import { GitLabError } from "./errors";
import { collectPages, listPage, rest } from "./groups";
import type { Noteable } from "./notes";

/**
 * Emoji reactions on an issue or merge request, or on one of its comments, made idempotent: adding
 * one that is already there and removing one that is gone are both success, so a retried job can
 * repeat any of these calls. https://docs.gitlab.com/api/emoji_reactions/
 */

/** The comment `noteId` of the target, or (null) the issue or merge request itself. */
export type Awardable = Noteable & { noteId: number | null };

const awardSchema = z.object({ id: z.number().int(), name: z.string(), user: z.object({ id: z.number().int() }).loose().nullish() }).loose();

const base = (a: Awardable): string => `projects/${a.projectId}/${a.type === "issue" ? "issues" : "merge_requests"}/${a.iid}${a.noteId === null ? "" : `/notes/${a.noteId}`}/award_emoji`;

const alreadyThere = (err: unknown): boolean => err instanceof GitLabError && /already been taken/i.test(err.message);

export async function addReaction(api: GitLabApi, target: Awardable, name: string): Promise<void> {
  try {
    await rest(api, "post", base(target), { body: { name } });
  } catch (err) {
    // GitLab answers 404 "has already been taken" (older versions 400/409) for a second identical award.
    if (alreadyThere(err)) return;
    throw err;
  }
}

/** Removes `userId`'s reactions named in `names` (another user's are left alone). */
export async function removeReactions(api: GitLabApi, target: Awardable, names: string[], userId: number): Promise<void> {
  const awards = await collectPages((cursor) => listPage(api, base(target), {}, awardSchema, cursor), 10);
  for (const award of awards) {
    if (!names.includes(award.name) || award.user?.id !== userId) continue;
    try {
      await rest(api, "delete", `${base(target)}/${award.id}`);
    } catch (err) {
      if (err instanceof GitLabError && err.kind === "not_found") continue;
      throw err;
    }
  }
}
