// Repository branches (read from the real bare repository) and raw file reads.
import { z } from "zod";
import { paged, projectFor } from "./api-common";
import { created, ok, type ApiResult, type ApiRoute, type Ctx } from "./context";
import type { BranchInfo } from "./git-repo";
import { GitRepoError } from "./git-repo";
import { forbidden, HttpError, notFound } from "./http";
import { validate, zStr } from "./params";
import { projectWebUrl } from "./present-projects";
import type { Project } from "./store";

function branchEntity(ctx: Ctx, project: Project, level: number, b: BranchInfo): Record<string, unknown> {
  const web = projectWebUrl(ctx.app, project);
  const isDefault = b.name === project.defaultBranch;
  return {
    name: b.name, merged: false, protected: isDefault, default: isDefault, developers_can_push: false, developers_can_merge: false,
    // The default branch is protected (Maintainers push); other branches take Developer.
    can_push: level >= (isDefault ? 40 : 30), web_url: `${web}/-/tree/${b.name}`,
    commit: { ...b.commit, trailers: {}, extended_trailers: {}, web_url: `${web}/-/commit/${b.commit.id}` },
  };
}

/** GitLab's branch search: substring, or `^prefix` / `suffix$`. */
function matchesSearch(name: string, search: string): boolean {
  const s = search.toLowerCase();
  const n = name.toLowerCase();
  if (s.startsWith("^") && s.endsWith("$")) return n === s.slice(1, -1);
  if (s.startsWith("^")) return n.startsWith(s.slice(1));
  if (s.endsWith("$")) return n.endsWith(s.slice(0, -1));
  return n.includes(s);
}

async function listBranches(ctx: Ctx): Promise<ApiResult> {
  const { project, level } = projectFor(ctx);
  if (project.visibility === "private" && level < 20) throw forbidden();
  const search = ctx.query.get("search");
  const all = await ctx.app.repos.branches(project);
  const list = search ? all.filter((b) => matchesSearch(b.name, search)) : all;
  return paged(ctx, list, (b) => branchEntity(ctx, project, level, b));
}

async function getBranch(ctx: Ctx): Promise<ApiResult> {
  const { project, level } = projectFor(ctx);
  if (project.visibility === "private" && level < 20) throw forbidden();
  const b = await ctx.app.repos.branch(project, ctx.params.branch ?? "");
  if (!b) throw notFound("Branch");
  return ok(branchEntity(ctx, project, level, b));
}

async function createBranch(ctx: Ctx): Promise<ApiResult> {
  const { project, level } = projectFor(ctx, 30);
  const input = validate(z.object({ branch: zStr, ref: zStr }), ctx.input, ["branch", "ref"]);
  try {
    const b = await ctx.app.repos.createBranch(project, input.branch, input.ref);
    if (!b) throw new HttpError(400, { message: "Invalid reference name: " + input.ref });
    project.hasCommits = true;
    project.lastActivityAt = Date.now();
    return created(branchEntity(ctx, project, level, b));
  } catch (error) {
    if (error instanceof GitRepoError && error.reason === "branch_exists") throw new HttpError(400, { message: "Branch already exists" });
    if (error instanceof GitRepoError && error.reason === "invalid_name") throw new HttpError(400, { message: "Branch name is invalid" });
    throw error;
  }
}

async function rawFile(ctx: Ctx): Promise<ApiResult> {
  const { project, level } = projectFor(ctx);
  if (project.visibility === "private" && level < 20) throw forbidden();
  const ref = ctx.query.get("ref") ?? project.defaultBranch;
  const content = await ctx.app.repos.readFile(project, ref, ctx.params.file_path ?? "");
  if (content === null) throw notFound("File");
  return { status: 200, body: content, headers: { "Content-Type": "text/plain; charset=utf-8" } };
}

export const branchRoutes: ApiRoute[] = [
  { method: "GET", path: "/projects/:id/repository/branches", handler: listBranches },
  { method: "POST", path: "/projects/:id/repository/branches", handler: createBranch },
  { method: "GET", path: "/projects/:id/repository/branches/:branch", handler: getBranch },
  { method: "GET", path: "/projects/:id/repository/files/:file_path/raw", handler: rawFile },
];
