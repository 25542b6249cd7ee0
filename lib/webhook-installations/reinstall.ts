import { z } from "zod";
import type { Database } from "@/db/client";
import { resourceTypes } from "@/db/schema";
import type { OAuthConfigSource } from "@/lib/gitlab/tokens";
import { AppError } from "@/lib/http/app-error";
import { installFallback } from "./fallback";
import { installResource, type InstallContext } from "./install";
import { findInstallation, projectInstallationsUnder } from "./queries";
import { BUSY, reinstallLock, withLocks } from "./locks";
import { resourceKey, type HookResource } from "./resources";
import { openHookSession, type HookSession } from "./session";
import { requiredLevel } from "./settings";
import { userResources } from "./status";
import { infoOf } from "./sync";
import { noAccessMessage, toWebhookRow, type WebhookRow } from "./view";

/**
 * `POST /api/gitlab/webhooks/reinstall`, with the seed's rules enforced on the server:
 * 409 when our hook is already there (delete it in GitLab first) or when this user already has a
 * reinstall running (in any process), 403 without Owner/Maintainer, 404 for a resource the token
 * cannot see; when GitLab refuses, 200 with `failed` and GitLab's error.
 */

export const reinstallInput = z.object({
  resource_type: z.enum(resourceTypes),
  resource_id: z.number().int().positive(),
});
export type ReinstallInput = z.infer<typeof reinstallInput>;

export interface ReinstallOptions {
  oauth: OAuthConfigSource;
  appUrl: string;
  concurrency: number;
  session?: HookSession;
}

export interface ReinstallResult {
  status: WebhookRow["status"];
  error: string | null;
  resource: WebhookRow;
}

async function findResource(db: Database, session: HookSession, input: ReinstallInput, concurrency: number): Promise<HookResource> {
  const match = (list: HookResource[]) => list.find((r) => resourceKey(r) === `${input.resource_type}:${input.resource_id}`);
  // The cached list is the one the table was drawn from; refresh once before saying "not found".
  const found = match(await userResources(db, session, concurrency)) ?? match(await userResources(db, session, concurrency, true));
  if (!found) {
    throw new AppError("resource_not_found", 404, `No ${input.resource_type} ${input.resource_id} among the groups and personal projects your GitLab token can see.`);
  }
  return found;
}

async function currentRow(db: Database, session: HookSession, r: HookResource): Promise<WebhookRow> {
  const own = await findInstallation(db, { baseUrl: session.baseUrl, type: r.type, id: r.id });
  const children = own?.coveredProjects != null ? await projectInstallationsUnder(db, session.baseUrl, [r.fullPath]) : [];
  return toWebhookRow(r, own, null, children);
}

export async function reinstallWebhook(db: Database, userId: string, input: ReinstallInput, opts: ReinstallOptions): Promise<ReinstallResult> {
  const session = opts.session ?? (await openHookSession(db, userId, { oauth: opts.oauth, maxWaitSeconds: 20 }));
  const resource = await findResource(db, session, input, opts.concurrency);
  if (resource.coveredBy) {
    throw new AppError("covered_by_group", 409, `${resource.fullPath} is covered by the webhook on ${resource.coveredBy}; reinstall that group instead.`);
  }
  if (resource.accessLevel < requiredLevel(resource.type)) throw new AppError("insufficient_access", 403, noAccessMessage(resource.type, resource.accessLevel));

  const ctx: InstallContext = { db, session, appUrl: opts.appUrl };
  const info = infoOf(session.baseUrl, resource);
  const done = await withLocks(db, [{ key: reinstallLock(userId), mode: "try" }], async () => {
    const outcome = await installResource(ctx, info, "reinstall", "wait");
    if (outcome.result === "exists") {
      throw new AppError("already_installed", 409, `Our webhook is already installed on ${resource.fullPath}. To reinstall it, delete it in GitLab first, then press Reinstall.`);
    }
    if (outcome.result === "tier_refused") {
      const fb = await installFallback(ctx, info, "reinstall", "wait", opts.concurrency);
      if (fb.eligible > 0 && fb.existing === fb.eligible) {
        throw new AppError("already_installed", 409, `Our project webhooks are already installed on all ${fb.eligible} projects of ${resource.fullPath}. To reinstall one, delete it in GitLab first.`);
      }
    }
    return currentRow(db, session, resource);
  });
  if (done === BUSY) throw new AppError("reinstall_in_progress", 409, "Another reinstall is already running for your account; wait for it to finish.");
  return { status: done.status, error: done.error, resource: done };
}
