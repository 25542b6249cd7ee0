import { jobDefinitions } from "../definitions";
import type { JobHandler } from "../worker";
import { resolverConfig } from "@/lib/resolver/config";
import { processDelivery, recordProcessingFailure } from "@/lib/resolver/process-delivery";

const { retryLimit } = jobDefinitions["webhook.process"].queue;

/** `webhook.process`: see lib/resolver/process-delivery.ts. */
export const webhookProcess: JobHandler<"webhook.process"> = async (data, ctx) => {
  const lastAttempt = ctx.attempt >= retryLimit;
  try {
    return await processDelivery(ctx.db, await resolverConfig(), data.deliveryId, { lastAttempt });
  } catch (err) {
    if (lastAttempt) await recordProcessingFailure(ctx.db, data.deliveryId, err).catch(() => undefined);
    throw err;
  }
};
