import { getDb } from "@/db";
import { getQueue } from "@/lib/jobs/send";
import { log } from "@/lib/log";
import { receiveWebhook } from "@/lib/webhook-receiver/receive";

export const dynamic = "force-dynamic";

/** GitLab's webhook deliveries: verify, record, enqueue, 2xx (lib/webhook-receiver/receive.ts). */
export async function POST(req: Request): Promise<Response> {
  try {
    // The queue is started once per process: it creates pg-boss's schema and the `webhook.process`
    // queue that deliveries are enqueued on.
    const [handle] = await Promise.all([getDb(), getQueue()]);
    return await receiveWebhook(req, { handle });
  } catch (err) {
    // Only an unavailable database or queue lands here; a 5xx makes GitLab count a failure, which
    // is right: the delivery was not recorded.
    log.error("webhook receiver failed", { err });
    return Response.json({ error: { code: "internal_error", message: "The delivery could not be recorded." } }, { status: 500 });
  }
}
