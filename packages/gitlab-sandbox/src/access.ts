// Effective access levels and visibility, following GitLab's rules: a project member's level is the
// highest of the direct project membership and the memberships in every ancestor group, and a private
// resource is invisible (404) to anyone below Guest.
import { ACCESS, type Group, type Project, type Store, type Tier, type User } from "./store";

/** The group and its ancestors, nearest first. */
export function groupChain(store: Store, groupId: number | null): Group[] {
  const chain: Group[] = [];
  let current = groupId === null ? undefined : store.groups.get(groupId);
  while (current && chain.length < 64) {
    chain.push(current);
    current = current.parentId === null ? undefined : store.groups.get(current.parentId);
  }
  return chain;
}

/** Licensed features on GitLab.com come from the plan of the top-level namespace. */
export function effectiveTier(store: Store, group: Group): Tier {
  const chain = groupChain(store, group.id);
  return chain[chain.length - 1]?.tier ?? group.tier;
}

export function groupAccess(store: Store, userId: number, group: Group): number {
  let level = 0;
  for (const g of groupChain(store, group.id)) level = Math.max(level, g.members.get(userId)?.accessLevel ?? 0);
  return level;
}

/** Highest level from ancestor groups only (the `group_access` part of project permissions). */
export function projectGroupAccess(store: Store, userId: number, project: Project): number {
  if (project.namespace.kind !== "group") return 0;
  const group = store.groups.get(project.namespace.id);
  return group ? groupAccess(store, userId, group) : 0;
}

export function projectDirectAccess(project: Project, userId: number): number {
  if (project.namespace.kind === "user" && project.namespace.userId === userId) return ACCESS.owner;
  return project.members.get(userId)?.accessLevel ?? 0;
}

export function projectAccess(store: Store, userId: number, project: Project): number {
  return Math.max(projectDirectAccess(project, userId), projectGroupAccess(store, userId, project));
}

export function canReadProject(store: Store, user: User | null, project: Project): boolean {
  if (project.visibility === "public") return true;
  if (!user) return false;
  if (user.admin) return true;
  if (project.visibility === "internal") return true;
  return projectAccess(store, user.id, project) >= ACCESS.guest;
}

/** A private group is visible to its members, to members of a descendant group and to members of a project inside it. */
export function canReadGroup(store: Store, user: User | null, group: Group): boolean {
  if (group.visibility === "public") return true;
  if (!user) return false;
  if (user.admin || group.visibility === "internal") return true;
  if (groupAccess(store, user.id, group) >= ACCESS.guest) return true;
  for (const g of store.groups.values()) {
    if (g.members.has(user.id) && groupChain(store, g.id).some((a) => a.id === group.id)) return true;
  }
  for (const p of store.projects.values()) {
    if (p.namespace.kind === "group" && p.members.has(user.id) && groupChain(store, p.namespace.id).some((a) => a.id === group.id)) return true;
  }
  return false;
}

/** Ids of the group and all its descendants. */
export function groupSubtreeIds(store: Store, group: Group): Set<number> {
  const ids = new Set<number>([group.id]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const g of store.groups.values()) {
      if (g.parentId !== null && ids.has(g.parentId) && !ids.has(g.id)) {
        ids.add(g.id);
        grew = true;
      }
    }
  }
  return ids;
}
