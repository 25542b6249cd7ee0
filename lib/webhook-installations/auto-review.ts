import { z } from "zod";
import type { Database } from "@/db/client";
import { resourceTypes } from "@/db/schema";
import type { OAuthConfigSource } from "@/lib/gitlab/tokens";
import { AppError } from "@/lib/http/app-error";
import { ensureInstallation, setAutoReviewBy } from "./queries";
import { resourceKey, type HookResource } from "./resources";
import { openHookSession, type HookSession } from "./session";
import { requiredLevel } from "./settings";
import { userResources } from "./status";
import { infoOf } from "./sync";
import { noAccessMessage } from "./view";

/**
 * Settings › Integrations: "Review new merge requests" per project or group (issue 18). Only those
 * who may manage the webhook (Owner of the group, Maintainer of the project: GitLab's own rule) may
 * turn it on or off, and the server checks it live, like Reinstall. Turning it on records WHO did:
 * automatic reviews run as that user (lib/resolver/review/auto.ts), so nobody's token is used for
 * work they did not opt into. A resource covered by an ancestor group's webhook follows the group.
 */

export const autoReviewInput = z.object({
  resource_type: z.enum(resourceTypes),
  resource_id: z.number().int().positive(),
  enabled: z.boolean(),
});
export type AutoReviewInput = z.infer<typeof autoReviewInput>;

async function findResource(db: Database, session: HookSession, input: AutoReviewInput, concurrency: number): Promise<HookResource> {
  const match = (list: HookResource[]) => list.find((r) => resourceKey(r) === `${input.resource_type}:${input.resource_id}`);
  const found = match(await userResources(db, session, concurrency)) ?? match(await userResources(db, session, concurrency, true));
  if (!found) throw new AppError("resource_not_found", 404, `No ${input.resource_type} ${input.resource_id} among the groups and personal projects your GitLab token can see.`);
  return found;
}

export async function setAutoReview(
  db: Database,
  userId: string,
  input: AutoReviewInput,
  opts: { oauth: OAuthConfigSource; concurrency: number; session?: HookSession },
): Promise<{ resource_type: AutoReviewInput["resource_type"]; resource_id: number; auto_review: boolean }> {
  const session = opts.session ?? (await openHookSession(db, userId, { oauth: opts.oauth, maxWaitSeconds: 20 }));
  const resource = await findResource(db, session, input, opts.concurrency);
  if (resource.coveredBy) throw new AppError("covered_by_group", 409, `${resource.fullPath} follows the setting of ${resource.coveredBy}; change it there.`);
  if (resource.accessLevel < requiredLevel(resource.type)) throw new AppError("insufficient_access", 403, noAccessMessage(resource.type, resource.accessLevel));
  const row = await ensureInstallation(db, infoOf(session.baseUrl, resource));
  await setAutoReviewBy(db, row.id, input.enabled ? userId : null);
  return { resource_type: resource.type, resource_id: resource.id, auto_review: input.enabled };
}
