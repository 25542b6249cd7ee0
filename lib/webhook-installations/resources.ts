import { collectPages, effectiveAccessLevel, groupsPage } from "@/lib/gitlab/groups";
import { memberProjectsPage } from "@/lib/gitlab/webhooks-api";
import type { ResourceType } from "@/db/schema";
import { mapBounded } from "./pacing";
import type { HookSession } from "./session";
import { GROUP_OWNER } from "./settings";

/**
 * The rows of the webhook table: every group the token can see, and every project that is not in a
 * group (a personal namespace), each with the user's effective access level. Lists are walked to
 * the last page, so a large account has no missing rows.
 */
export interface HookResource {
  type: ResourceType;
  id: number;
  name: string;
  fullPath: string;
  webUrl: string;
  accessLevel: number;
  /**
   * Full path of an ancestor group the user owns: that group's webhook (or its free-tier project
   * hooks, which include subgroups) already covers this subgroup, so a second hook would only
   * deliver every event twice.
   */
  coveredBy: string | null;
}

export const resourceKey = (r: { type: ResourceType; id: number }): string => `${r.type}:${r.id}`;

export async function listResources(session: HookSession, concurrency: number): Promise<HookResource[]> {
  const [groups, projects] = await Promise.all([
    collectPages((cursor) => session.call((api) => groupsPage(api, cursor))),
    collectPages((cursor) => session.call((api) => memberProjectsPage(api, cursor))),
  ]);
  const personal = projects.filter((p) => p.namespace.kind === "user");

  const groupLevels = await mapBounded(groups, concurrency, (g) => session.call((api) => effectiveAccessLevel(api, "group", g.id, session.gitlabUserId)));
  const ownNamespace = session.username.toLowerCase();
  const projectLevels = await mapBounded(personal, concurrency, (p) =>
    // A personal namespace's owner is Owner of its projects by definition; no request needed.
    p.namespace.full_path.toLowerCase() === ownNamespace ? Promise.resolve(GROUP_OWNER) : session.call((api) => effectiveAccessLevel(api, "project", p.id, session.gitlabUserId)),
  );

  const owned = groups.filter((_, i) => (groupLevels[i] ?? 0) >= GROUP_OWNER).map((g) => g.full_path);
  const rows: HookResource[] = groups.map((g, i) => ({
    type: "group",
    id: g.id,
    name: g.name,
    fullPath: g.full_path,
    webUrl: g.web_url,
    accessLevel: groupLevels[i] ?? 0,
    coveredBy: owned.filter((path) => g.full_path.toLowerCase().startsWith(`${path.toLowerCase()}/`)).sort((a, b) => a.length - b.length)[0] ?? null,
  }));
  for (const [i, p] of personal.entries()) {
    rows.push({ type: "project", id: p.id, name: p.name, fullPath: p.path_with_namespace, webUrl: p.web_url, accessLevel: projectLevels[i] ?? 0, coveredBy: null });
  }
  return rows;
}
