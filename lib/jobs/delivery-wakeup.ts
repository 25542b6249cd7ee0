import type { DbHandle } from "@/db/client";
import { log } from "@/lib/log";
import { DELIVERY_CHANNEL, onLocalDelivery } from "@/lib/webhook-receiver/delivery-signal";
import type { RunningWorker } from "./worker";

/**
 * Wakes the worker when a delivery is recorded (see lib/webhook-receiver/delivery-signal.ts): in-process
 * always, and on Postgres through LISTEN on the channel the receiver's statement NOTIFYs, so
 * receivers in other processes wake this one too.
 *
 * The LISTEN connection also tells when the database came back: postgres.js re-subscribes after a
 * lost connection and calls `onlisten` again; that second call runs `onReconnect` (a recovery pass:
 * GitLab's deliveries during the outage failed).
 */
export async function startDeliveryWakeup(handle: DbHandle, worker: Pick<RunningWorker, "wake">, onReconnect: () => void): Promise<() => Promise<void>> {
  const wake = () => worker.wake("webhook.process");
  const offLocal = onLocalDelivery(wake);
  if (handle.kind !== "postgres") return async () => offLocal();
  let subscribed = 0;
  const sub = await handle.sql.listen(DELIVERY_CHANNEL, wake, () => {
    subscribed++;
    if (subscribed > 1) {
      log.info("database connection is back; recovering missed deliveries");
      onReconnect();
    }
  });
  return async () => {
    offLocal();
    await sub.unlisten().catch(() => undefined);
  };
}
