import { getEnv } from "@/lib/env";
import { log } from "@/lib/log";
import { deleteExpiredDeliveries } from "@/lib/webhook-receiver/queries";
import type { JobHandler } from "../worker";

/** Daily: deliveries older than WEBHOOK_RETENTION_DAYS go (lib/webhook-receiver/queries.ts). */
export const webhooksRetention: JobHandler<"webhooks.retention"> = async (data, ctx) => {
  const days = data.retentionDays ?? getEnv().WEBHOOK_RETENTION_DAYS;
  const deleted = await deleteExpiredDeliveries(ctx.db, days);
  if (deleted > 0) log.info("old webhook deliveries deleted", { deleted, retentionDays: days });
  return { deleted };
};
