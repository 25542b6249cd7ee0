import { EventEmitter } from "node:events";

/**
 * "A delivery was just recorded": wakes the worker at once instead of leaving the job to pg-boss's
 * next poll (0.5 s), which dominated the time to acknowledge a trigger.
 * - Postgres: the receiver's insert statement itself runs `pg_notify(DELIVERY_CHANNEL, …)`
 *   (queries/record-delivery.ts), so the signal is sent exactly when the row and its job commit, and reaches
 *   workers in other processes; they LISTEN (lib/jobs/delivery-wakeup.ts).
 * - PGlite: one process holds the database, so the worker is in this process: an in-process event.
 * The signal carries nothing but a wake-up; the worker fetches jobs from the queue as usual, so a
 * lost signal only costs the poll interval, and a forged one only an extra fetch.
 */

export const DELIVERY_CHANNEL = "webhook_delivery";

// On globalThis, like the database handle: Next can evaluate this module once in the route's bundle
// and once in instrumentation's (where the worker runs), and both must share one emitter.
const key = Symbol.for("gitlab-agent.delivery-signal");
type G = typeof globalThis & { [key]?: EventEmitter };
const local = ((globalThis as G)[key] ??= new EventEmitter());
local.setMaxListeners(0);

/** In-process deliveries (PGlite, and the receiver in a web process that also works jobs). */
export function signalLocalDelivery(): void {
  local.emit("delivery");
}

export function onLocalDelivery(listener: () => void): () => void {
  local.on("delivery", listener);
  return () => local.off("delivery", listener);
}
