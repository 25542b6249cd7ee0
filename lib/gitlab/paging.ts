import { z } from "zod";
import { log } from "@/lib/log";
import { GitLabError } from "./errors";

/** One page of a GitLab list, and the number of the next page (null on the last). */
export interface Page<T> {
  items: T[];
  nextPage: number | null;
}

export interface PageRequest {
  page?: number;
  /** at most 100 (GitLab's cap), default 20 */
  perPage?: number;
}

/** Clamped page parameters. `page` is always sent: with an explicit page gitbeaker fetches only that one. */
export function pageParams(req: PageRequest): { page: number; perPage: number } {
  const page = Number.isInteger(req.page) && (req.page ?? 0) > 0 ? (req.page as number) : 1;
  const perPage = Math.min(100, Math.max(1, Math.floor(req.perPage ?? 20)));
  return { page, perPage };
}

// What gitbeaker returns for a list with `showExpanded: true` and offset pagination.
const expandedListSchema = z.object({
  data: z.array(z.unknown()),
  paginationInfo: z.object({ next: z.number().int().positive().nullable().catch(null) }).loose(),
});

/**
 * Parses one expanded page: each element through `schema`, then `map`. Malformed elements are
 * skipped (and logged) so one odd project cannot break the picker; a malformed envelope is an error.
 */
export function toPage<S extends z.ZodType, T>(result: unknown, schema: S, map: (item: z.infer<S>) => T, what: string): Page<T> {
  const list = expandedListSchema.safeParse(result);
  if (!list.success) throw new GitLabError("server_error", `GitLab returned an unexpected ${what} list`);
  const items: T[] = [];
  let skipped = 0;
  for (const raw of list.data.data) {
    const parsed = schema.safeParse(raw);
    if (parsed.success) items.push(map(parsed.data));
    else skipped++;
  }
  if (skipped > 0) log.warn(`skipped malformed ${what} entries from GitLab`, { skipped });
  return { items, nextPage: list.data.paginationInfo.next };
}

/** Parses a single object, turning a mismatch into a typed error rather than a zod dump. */
export function parseOne<S extends z.ZodType>(raw: unknown, schema: S, what: string): z.infer<S> {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new GitLabError("server_error", `GitLab returned an unexpected ${what}`);
  return parsed.data;
}
