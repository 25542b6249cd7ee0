import { z } from "zod";
import type { GitLabApi } from "./client";
import { GitLabError } from "./errors";
import { listPage, rest, type Cursor, type ListPage } from "./groups";

/**
 * Project and group webhooks (`/projects/:id/hooks`, `/groups/:id/hooks`), and the listing of the
 * projects that can carry one. Hook tokens are write-only in GitLab: they go out on create/edit and
 * never come back, so nothing here ever returns a secret.
 */

export type HookOwner = { kind: "project" | "group"; id: number };

export const hookSchema = z.object({
  id: z.number().int(),
  url: z.string(),
  issues_events: z.boolean().optional(),
  confidential_issues_events: z.boolean().optional(),
  note_events: z.boolean().optional(),
  confidential_note_events: z.boolean().optional(),
  merge_requests_events: z.boolean().optional(),
  push_events: z.boolean().optional(),
  enable_ssl_verification: z.boolean().optional(),
  alert_status: z.enum(["executable", "temporarily_disabled", "disabled"]).nullish(),
  disabled_until: z.string().nullish(),
});
export type GitLabHook = z.infer<typeof hookSchema>;

/** What we ask GitLab to send, and where. */
export interface HookSpec {
  url: string;
  /** the per-installation secret; only sent, never read back */
  token: string;
  name: string;
  description: string;
  events: Record<HookEventFlag, boolean>;
}

export const HOOK_EVENT_FLAGS = ["issues_events", "confidential_issues_events", "note_events", "confidential_note_events", "merge_requests_events", "push_events"] as const;
export type HookEventFlag = (typeof HOOK_EVENT_FLAGS)[number];

const base = (owner: HookOwner) => `${owner.kind}s/${owner.id}/hooks`;

function parseHook(raw: unknown): GitLabHook {
  const parsed = hookSchema.safeParse(raw);
  if (!parsed.success) throw new GitLabError("server_error", "GitLab returned an unexpected webhook");
  return parsed.data;
}

function body(spec: HookSpec): Record<string, unknown> {
  // Every flag is sent explicitly: GitLab defaults push_events to true, which we do not want.
  return { url: spec.url, token: spec.token, name: spec.name, description: spec.description, enable_ssl_verification: true, ...spec.events };
}

/** One page of the hooks of a project or group. */
export function hooksPage(api: GitLabApi, owner: HookOwner, cursor: Cursor): Promise<ListPage<GitLabHook>> {
  return listPage(api, base(owner), {}, hookSchema, cursor);
}

export async function getHook(api: GitLabApi, owner: HookOwner, hookId: number): Promise<GitLabHook> {
  return parseHook((await rest(api, "get", `${base(owner)}/${hookId}`)).body);
}

export async function createHook(api: GitLabApi, owner: HookOwner, spec: HookSpec): Promise<GitLabHook> {
  return parseHook((await rest(api, "post", base(owner), { body: body(spec) })).body);
}

/** Rewrites a hook completely (URL, events, SSL verification) with a new secret token. */
export async function editHook(api: GitLabApi, owner: HookOwner, hookId: number, spec: HookSpec): Promise<GitLabHook> {
  return parseHook((await rest(api, "put", `${base(owner)}/${hookId}`, { body: body(spec) })).body);
}

/** Deletes a hook; one that is already gone counts as deleted. */
export async function deleteHook(api: GitLabApi, owner: HookOwner, hookId: number): Promise<void> {
  try {
    await rest(api, "delete", `${base(owner)}/${hookId}`);
  } catch (err) {
    if (err instanceof GitLabError && err.kind === "not_found") return;
    throw err;
  }
}

export const memberProjectSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  path_with_namespace: z.string(),
  web_url: z.string(),
  namespace: z.object({ id: z.number().int(), kind: z.string(), full_path: z.string() }),
});
export type GitLabMemberProject = z.infer<typeof memberProjectSchema>;

/**
 * One keyset page of every project the user is a member of. Keyset pagination has no 50,000-record
 * cap (offset pagination on /projects does), so large accounts are listed completely.
 */
export function memberProjectsPage(api: GitLabApi, cursor: Cursor): Promise<ListPage<GitLabMemberProject>> {
  return listPage(api, "projects", { membership: true, simple: true, pagination: "keyset", order_by: "id", sort: "asc" }, memberProjectSchema, cursor);
}
