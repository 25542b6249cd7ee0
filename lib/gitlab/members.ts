import { z } from "zod";
import { withGitLab, type GitLabApi } from "./client";
import { GitLabError } from "./errors";
import { parseOne } from "./paging";

/** GitLab access levels (members.md "Roles"). */
export const ACCESS_LEVEL = { none: 0, minimal: 5, guest: 10, planner: 15, reporter: 20, developer: 30, maintainer: 40, owner: 50 } as const;

export const accessLevelName = (level: number): string =>
  level >= 50 ? "Owner" : level >= 40 ? "Maintainer" : level >= 30 ? "Developer" : level >= 20 ? "Reporter" : level >= 15 ? "Planner" : level >= 10 ? "Guest" : level >= 5 ? "Minimal access" : "no access";

const memberSchema = z.object({ id: z.number().int(), access_level: z.number().int(), state: z.string().optional() }).loose();

/**
 * The user's EFFECTIVE access level in the project (`GET /projects/:id/members/all/:user_id`):
 * the highest of direct, inherited (ancestor groups) and invited-group memberships. A non-member is
 * a 404, which is level 0 here; a blocked or awaiting member counts as no access.
 */
export async function getEffectiveAccessLevel(api: GitLabApi, projectId: number, gitlabUserId: number): Promise<number> {
  try {
    const raw = await withGitLab(() => api.ProjectMembers.show(projectId, gitlabUserId, { includeInherited: true }));
    const member = parseOne(raw, memberSchema, "member");
    if (member.state && member.state !== "active") return ACCESS_LEVEL.none;
    return member.access_level;
  } catch (err) {
    if (err instanceof GitLabError && err.kind === "not_found") return ACCESS_LEVEL.none;
    throw err;
  }
}
