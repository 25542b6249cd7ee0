// Award emoji on an issue itself (not on one of its comments):
//   GET/POST /projects/:id/issues/:issue_iid/award_emoji, GET/DELETE …/award_emoji/:award_id
// https://docs.gitlab.com/api/emoji_reactions/#list-an-awardables-emoji-reactions
// Same rules as on notes: one emoji of a name per user (a second one is 404 "has already been
// taken"), only the awarder (or an admin) removes it. Emoji webhooks for issue awards are not sent:
// the app does not subscribe to them.
import { z } from "zod";
import { issueFor, paged, projectFor } from "./api-common";
import { requireUser } from "./auth";
import { created, noContent, ok, type ApiResult, type ApiRoute, type Ctx } from "./context";
import { forbidden, notFound } from "./http";
import { validate, zStr } from "./params";
import { awardEntity } from "./present-notes";
import type { AwardEmoji, Issue } from "./store";

function issueAwards(ctx: Ctx, issue: Issue): AwardEmoji[] {
  return [...ctx.app.store.awards.values()].filter((a) => a.awardableType === "Issue" && a.awardableId === issue.id);
}

function findAward(ctx: Ctx, issue: Issue): AwardEmoji {
  const award = ctx.app.store.awards.get(Number(ctx.params.award_id));
  if (!award || award.awardableType !== "Issue" || award.awardableId !== issue.id) throw notFound("Award Emoji");
  return award;
}

function listAwards(ctx: Ctx): ApiResult {
  const pa = projectFor(ctx);
  return paged(ctx, issueAwards(ctx, issueFor(ctx, pa)), (a) => awardEntity(ctx.app, a));
}

function postAward(ctx: Ctx): ApiResult {
  const user = requireUser(ctx);
  const pa = projectFor(ctx);
  const issue = issueFor(ctx, pa);
  const { name } = validate(z.object({ name: zStr }), ctx.input, ["name"]);
  if (!/^[a-z0-9_+-]+$/.test(name)) throw notFound("Award Emoji Name is not included in the list");
  if (issueAwards(ctx, issue).some((a) => a.userId === user.id && a.name === name)) throw notFound("Award Emoji Name has already been taken");
  const now = Date.now();
  const award: AwardEmoji = { id: ctx.app.store.nextId("award"), name, userId: user.id, awardableType: "Issue", awardableId: issue.id, createdAt: now, updatedAt: now };
  ctx.app.store.awards.set(award.id, award);
  return created(awardEntity(ctx.app, award));
}

function getAward(ctx: Ctx): ApiResult {
  const pa = projectFor(ctx);
  return ok(awardEntity(ctx.app, findAward(ctx, issueFor(ctx, pa))));
}

function deleteAward(ctx: Ctx): ApiResult {
  const user = requireUser(ctx);
  const pa = projectFor(ctx);
  const award = findAward(ctx, issueFor(ctx, pa));
  if (award.userId !== user.id && !user.admin) throw forbidden();
  ctx.app.store.awards.delete(award.id);
  return noContent();
}

export const issueAwardRoutes: ApiRoute[] = [
  { method: "GET", path: "/projects/:id/issues/:issue_iid/award_emoji", handler: listAwards },
  { method: "POST", path: "/projects/:id/issues/:issue_iid/award_emoji", handler: postAward },
  { method: "GET", path: "/projects/:id/issues/:issue_iid/award_emoji/:award_id", handler: getAward },
  { method: "DELETE", path: "/projects/:id/issues/:issue_iid/award_emoji/:award_id", handler: deleteAward },
];
