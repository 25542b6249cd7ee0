import { getDb } from "@/db";
import { getEnv } from "@/lib/env";
import { gitlabOAuthConfig } from "@/lib/gitlab/settings";
import { deliveriesQuery, recentDeliveries } from "@/lib/webhook-installations/deliveries";
import { withUser } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** Recent deliveries of one row: `?resource_type=group&resource_id=12` (last 20 by default). */
export const GET = withUser(async (req, { user }) => {
  const query = deliveriesQuery.parse(Object.fromEntries(new URL(req.url).searchParams));
  const { db } = await getDb();
  const env = getEnv();
  const recent = await recentDeliveries(db, user.id, query, { oauth: gitlabOAuthConfig, concurrency: env.HOOKS_SYNC_CONCURRENCY });
  // How far back the list can go: older deliveries are deleted daily (issue 13).
  return Response.json({ ...recent, retention_days: env.WEBHOOK_RETENTION_DAYS });
});
