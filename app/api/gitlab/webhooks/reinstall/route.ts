import { getDb } from "@/db";
import { getEnv } from "@/lib/env";
import { gitlabOAuthConfig } from "@/lib/gitlab/settings";
import { reinstallInput, reinstallWebhook } from "@/lib/webhook-installations/reinstall";
import { AppError } from "@/lib/http/app-error";
import { withUser } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** `{resource_type, resource_id}` → 200 with the new status; 409 / 403 / 404 / 422 as lib/webhook-installations/reinstall.ts explains. */
export const POST = withUser(async (req, { user }) => {
  const body: unknown = await req.json().catch(() => {
    throw new AppError("validation_failed", 422, "The body must be JSON: {\"resource_type\": \"group\" | \"project\", \"resource_id\": <id>}.");
  });
  const input = reinstallInput.parse(body);
  const { db } = await getDb();
  const env = getEnv();
  const result = await reinstallWebhook(db, user.id, input, { oauth: gitlabOAuthConfig, appUrl: env.APP_URL, concurrency: env.HOOKS_SYNC_CONCURRENCY });
  return Response.json(result);
});
