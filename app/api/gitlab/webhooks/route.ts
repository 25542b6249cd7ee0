import { z } from "zod";
import { getDb } from "@/db";
import { getEnv } from "@/lib/env";
import { gitlabOAuthConfig } from "@/lib/gitlab/settings";
import { MAX_PER_PAGE, webhookStatus } from "@/lib/webhook-installations/status";
import { withUser } from "@/lib/http/route";

export const dynamic = "force-dynamic";

const query = z.object({
  fresh: z.enum(["0", "1"]).optional(),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  per_page: z.coerce.number().int().min(1).max(MAX_PER_PAGE).default(50),
});

/**
 * The webhook table, one page at a time: groups and personal projects the token can see, the page's
 * hooks checked live against GitLab. `?fresh=1` also skips the short caches.
 */
export const GET = withUser(async (req, { user }) => {
  const q = query.parse(Object.fromEntries(new URL(req.url).searchParams));
  const { db } = await getDb();
  const status = await webhookStatus(db, user.id, {
    oauth: gitlabOAuthConfig,
    concurrency: getEnv().HOOKS_SYNC_CONCURRENCY,
    fresh: q.fresh === "1",
    page: q.page,
    perPage: q.per_page,
  });
  return Response.json(status, { headers: { "cache-control": "no-store" } });
});
