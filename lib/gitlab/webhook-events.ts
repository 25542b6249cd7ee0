import { z } from "zod";

/**
 * Zod schemas for the webhook bodies the receiver accepts, after GitLab's official examples
 * (packages/gitlab-sandbox/fixtures/gitlab/). They name only the fields the resolver reads and let
 * everything else through (`loose`), because GitLab adds keys release after release and a receiver
 * that rejects an unknown key would get its hook disabled. Fields that older GitLab versions omit
 * (note `action`, `discussion_id`, `type`, `position`) are optional.
 */

const id = z.number().int();
const nullishString = z.string().nullish();

export const hookUserSchema = z.object({ id, username: z.string(), name: z.string().optional() }).loose();

export const hookProjectSchema = z
  .object({
    id,
    path_with_namespace: z.string(),
    web_url: z.string(),
    default_branch: nullishString,
    git_http_url: z.string().optional(),
  })
  .loose();

export const hookLabelSchema = z.object({ id: id.optional(), title: z.string() }).loose();

const labelChangeSchema = z
  .object({ previous: z.array(hookLabelSchema).nullish(), current: z.array(hookLabelSchema).nullish() })
  .loose();

export const issueHookSchema = z
  .object({
    // Issue Hook carries `work_item` for tasks, epics and other work item types.
    object_kind: z.enum(["issue", "work_item"]),
    event_type: z.string().optional(),
    user: hookUserSchema,
    project: hookProjectSchema,
    object_attributes: z
      .object({
        id,
        iid: id,
        title: z.string(),
        description: nullishString,
        action: z.string().optional(),
        state: z.string().optional(),
        type: nullishString,
        updated_at: nullishString,
        confidential: z.boolean().optional(),
        labels: z.array(hookLabelSchema).optional(),
        url: z.string().optional(),
      })
      .loose(),
    labels: z.array(hookLabelSchema).optional(),
    changes: z.object({ labels: labelChangeSchema.optional() }).loose().optional(),
  })
  .loose();

/** A diff position on an inline (DiffNote) comment. */
export const notePositionSchema = z
  .object({
    new_path: nullishString,
    old_path: nullishString,
    new_line: z.number().int().nullish(),
    old_line: z.number().int().nullish(),
  })
  .loose();

const noteIssueSchema = z
  .object({ id, iid: id, title: z.string(), description: nullishString, state: z.string().optional(), confidential: z.boolean().optional() })
  .loose();

const noteMergeRequestSchema = z
  .object({
    id,
    iid: id,
    title: z.string(),
    description: nullishString,
    source_branch: z.string(),
    target_branch: z.string(),
    source_project_id: id,
    target_project_id: id,
    state: z.string().optional(),
  })
  .loose();

export const noteHookSchema = z
  .object({
    object_kind: z.literal("note"),
    event_type: z.string().optional(),
    user: hookUserSchema,
    project_id: id.optional(),
    project: hookProjectSchema,
    object_attributes: z
      .object({
        id,
        note: z.string(),
        noteable_type: z.string(),
        author_id: id,
        system: z.boolean().optional(),
        action: z.string().optional(),
        discussion_id: nullishString,
        type: nullishString,
        position: notePositionSchema.nullish(),
        url: z.string().optional(),
        created_at: nullishString,
        updated_at: nullishString,
      })
      .loose(),
    issue: noteIssueSchema.optional(),
    merge_request: noteMergeRequestSchema.optional(),
  })
  .loose();

export const mergeRequestHookSchema = z
  .object({
    object_kind: z.literal("merge_request"),
    user: hookUserSchema,
    project: hookProjectSchema,
    object_attributes: z
      .object({
        id,
        iid: id,
        title: z.string(),
        source_branch: z.string(),
        target_branch: z.string(),
        action: z.string().optional(),
        // issue 18 (auto-review): what decides whether a new or ready merge request gets a review
        state: z.string().optional(),
        draft: z.boolean().optional(),
        work_in_progress: z.boolean().optional(),
        source_project_id: id.optional(),
        last_commit: z.object({ id: z.string() }).loose().nullish(),
      })
      .loose(),
    changes: z.object({ draft: z.object({ previous: z.boolean().nullish(), current: z.boolean().nullish() }).loose().optional() }).loose().optional(),
  })
  .loose();

export type IssueHook = z.infer<typeof issueHookSchema>;
export type NoteHook = z.infer<typeof noteHookSchema>;
export type MergeRequestHook = z.infer<typeof mergeRequestHookSchema>;
export type HookProject = z.infer<typeof hookProjectSchema>;

export type WebhookEvent =
  | { kind: "issue"; payload: IssueHook }
  | { kind: "note"; payload: NoteHook }
  | { kind: "merge_request"; payload: MergeRequestHook };
export type WebhookEventKind = WebhookEvent["kind"];

/**
 * `X-Gitlab-Event` → the event kind. Confidential issues and notes arrive under their own header
 * (the hook trigger name, titleized) and are handled exactly like the public ones.
 */
export const handledEventHeaders: Record<string, WebhookEventKind> = {
  "Issue Hook": "issue",
  "Confidential Issue Hook": "issue",
  "Note Hook": "note",
  "Confidential Note Hook": "note",
  "Merge Request Hook": "merge_request",
};

export function eventKindForHeader(header: string | null): WebhookEventKind | null {
  if (!header) return null;
  return handledEventHeaders[header.trim()] ?? null;
}

export type ParsedEvent = { ok: true; event: WebhookEvent } | { ok: false; reason: string };

/** Parses an already JSON-decoded body for its kind; the reason is short enough for a 400 body. */
export function parseWebhookEvent(kind: WebhookEventKind, body: unknown): ParsedEvent {
  const result =
    kind === "issue" ? issueHookSchema.safeParse(body) : kind === "note" ? noteHookSchema.safeParse(body) : mergeRequestHookSchema.safeParse(body);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue?.path.length ? issue.path.join(".") : "body";
    return { ok: false, reason: `${where}: ${issue?.message ?? "invalid"}`.slice(0, 200) };
  }
  return { ok: true, event: { kind, payload: result.data } as WebhookEvent };
}
