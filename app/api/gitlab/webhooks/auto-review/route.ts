import { getDb } from "@/db";
import { getEnv } from "@/lib/env";
import { gitlabOAuthConfig } from "@/lib/gitlab/settings";
import { autoReviewInput, setAutoReview } from "@/lib/webhook-installations/auto-review";
import { AppError } from "@/lib/http/app-error";
import { withUser } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** `{resource_type, resource_id, enabled}` → 200 `{auto_review}`; 403 / 404 / 409 / 422 as lib/webhook-installations/auto-review.ts explains. */
export const POST = withUser(async (req, { user }) => {
  const body: unknown = await req.json().catch(() => {
    throw new AppError("validation_failed", 422, 'The body must be JSON: {"resource_type": "group" | "project", "resource_id": <id>, "enabled": true | false}.');
  });
  const input = autoReviewInput.parse(body);
  const { db } = await getDb();
  return Response.json(await setAutoReview(db, user.id, input, { oauth: gitlabOAuthConfig, concurrency: getEnv().HOOKS_SYNC_CONCURRENCY }));
});
