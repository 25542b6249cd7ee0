import { z } from "zod";
import type { Database } from "@/db/client";
import { resourceTypes } from "@/db/schema";
import type { OAuthConfigSource } from "@/lib/gitlab/tokens";
import { AppError } from "@/lib/http/app-error";
import { findInstallation, projectInstallationsUnder, recentDeliveriesFor } from "./queries";
import { resourceKey } from "./resources";
import { openHookSession, type HookSession } from "./session";
import { userResources } from "./status";

/**
 * Recent deliveries ★: the last deliveries received for one row of the table and what the app did
 * with each (triggered a conversation / ignored: why / refused: why), the answer to "why didn't it
 * respond?". Only for resources the user's token can see.
 */

export const deliveriesQuery = z.object({
  resource_type: z.enum(resourceTypes),
  resource_id: z.coerce.number().int().positive(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

export interface DeliveryView {
  id: string;
  received_at: string;
  event: string;
  outcome: string;
  reason: string | null;
  conversation_id: string | null;
  project_id: number | null;
}

export async function recentDeliveries(
  db: Database,
  userId: string,
  query: z.infer<typeof deliveriesQuery>,
  opts: { oauth: OAuthConfigSource; concurrency: number; session?: HookSession },
): Promise<{ via: string | null; deliveries: DeliveryView[] }> {
  const session = opts.session ?? (await openHookSession(db, userId, { oauth: opts.oauth, maxWaitSeconds: 10 }));
  const resources = await userResources(db, session, opts.concurrency);
  const resource = resources.find((r) => resourceKey(r) === `${query.resource_type}:${query.resource_id}`);
  if (!resource) throw new AppError("resource_not_found", 404, `No ${query.resource_type} ${query.resource_id} among the groups and personal projects your GitLab token can see.`);
  // A subgroup covered by an ancestor's hook receives its events through that hook.
  const owner = resource.coveredBy ? resources.find((r) => r.type === "group" && r.fullPath.toLowerCase() === resource.coveredBy?.toLowerCase()) ?? resource : resource;
  const row = await findInstallation(db, { baseUrl: session.baseUrl, type: owner.type, id: owner.id });
  const ids = row ? [row.id] : [];
  if (row?.coveredProjects != null) for (const p of await projectInstallationsUnder(db, session.baseUrl, [owner.fullPath])) ids.push(p.id);
  const rows = await recentDeliveriesFor(db, ids, query.limit);
  return {
    via: owner === resource ? null : owner.fullPath,
    deliveries: rows.map((d) => ({
      id: d.id,
      received_at: d.receivedAt.toISOString(),
      event: d.event,
      outcome: d.outcome,
      reason: d.reason,
      conversation_id: d.conversationId,
      project_id: d.projectId,
    })),
  };
}
