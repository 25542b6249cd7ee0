import { randomUUID } from "node:crypto";
import type { DbHandle } from "@/db/client";
import type { DeliveryOutcome } from "@/db/schema";
import { DELIVERY_CHANNEL, signalLocalDelivery } from "../delivery-signal";

/**
 * Records a delivery and, for a pending one, enqueues its `webhook.process` job, ATOMICALLY: both
 * inserts are one SQL statement, so a crash can neither lose a recorded delivery's job nor leave a
 * job for a row that does not exist. The idempotency key is UNIQUE: a redelivery (or ten identical
 * deliveries at once) inserts no row, and then no job either, since the job is selected FROM the
 * inserted row.
 *
 * Why one statement instead of `boss.send()` inside a transaction: this is the receiver's hot path
 * (benchmarked at 220 deliveries/s, p99 < 50 ms, on 2 cores). BEGIN / insert / send / COMMIT costs
 * four round trips and holds a pooled connection across them; one statement costs one, and measured
 * 1.8-2.3× the throughput. The job row is built the way pg-boss 10's own `insertJob` builds it, from
 * the queue's policy in `pgboss.queue` (retry limit and delay, backoff, expiry, retention, dead
 * letter), so changing the policy in lib/jobs/definitions.ts still applies; the integration test
 * compares it with a job made by `boss.send`. The LEFT JOIN makes a missing queue an error (job
 * `name` is NOT NULL) rather than a delivery that silently never runs.
 *
 * The payload goes in as the raw JSON text GitLab sent, cast to jsonb by Postgres, never
 * re-serialised.
 */

export const WEBHOOK_JOB = "webhook.process";

export interface DeliveryInput {
  installationId: string;
  idempotencyKey: string;
  eventUuid: string | null;
  event: string;
  projectId: number | null;
  /** the body exactly as received (valid JSON), or null to store no payload */
  payloadJson: string | null;
  outcome: Extract<DeliveryOutcome, "pending" | "ignored">;
  reason: string | null;
}

export type RecordResult = { status: "recorded"; deliveryId: string; enqueued: boolean } | { status: "duplicate" };

const INSERT_IGNORED = `
  insert into webhook_deliveries (id, installation_id, idempotency_key, event_uuid, event, project_id, payload, outcome, reason, processed_at)
  values ($1, $2, $3, $4, $5, $6, $7::jsonb, 'ignored', $8, now())
  on conflict (idempotency_key) do nothing
  returning id`;

const INSERT_PENDING_AND_ENQUEUE = `
  with d as (
    insert into webhook_deliveries (id, installation_id, idempotency_key, event_uuid, event, project_id, payload, outcome)
    values ($1, $2, $3, $4, $5, $6, $7::jsonb, 'pending')
    on conflict (idempotency_key) do nothing
    returning id
  ), j as (
    insert into pgboss.job (name, data, retry_limit, retry_delay, retry_backoff, expire_in, keep_until, dead_letter, policy)
    select q.name, jsonb_build_object('deliveryId', d.id),
      coalesce(q.retry_limit, 2),
      case when coalesce(q.retry_backoff, false) then greatest(coalesce(q.retry_delay, 0), 1) else coalesce(q.retry_delay, 0) end,
      coalesce(q.retry_backoff, false),
      coalesce(q.expire_seconds, 900) * interval '1 second',
      now() + coalesce(q.retention_minutes, 20160) * interval '1 minute',
      q.dead_letter,
      q.policy
    from d left join pgboss.queue q on q.name = '${WEBHOOK_JOB}'
    returning id
  ), n as (
    -- wakes the workers (lib/jobs/delivery-wakeup.ts); NOTIFY is delivered when this commits
    select pg_notify('${DELIVERY_CHANNEL}', '') from j
  )
  select d.id, (select count(*) from j)::int as jobs, (select count(*) from n)::int as woken from d`;

type Row = Record<string, unknown>;

async function run(handle: DbHandle, text: string, values: unknown[]): Promise<Row[]> {
  if (handle.kind === "postgres") return [...(await handle.sql.unsafe(text, values as never[]))] as Row[];
  return (await handle.pglite.query<Row>(text, values)).rows;
}

export async function recordDelivery(handle: DbHandle, input: DeliveryInput): Promise<RecordResult> {
  const id = randomUUID();
  const common = [id, input.installationId, input.idempotencyKey, input.eventUuid, input.event, input.projectId, input.payloadJson];
  if (input.outcome === "ignored") {
    // Ignored at once: nothing will ever read its payload, so none is kept (issue 13).
    const rows = await run(handle, INSERT_IGNORED, [...common.slice(0, 6), null, input.reason]);
    return rows.length > 0 ? { status: "recorded", deliveryId: id, enqueued: false } : { status: "duplicate" };
  }
  const rows = await run(handle, INSERT_PENDING_AND_ENQUEUE, common);
  if (rows.length === 0) return { status: "duplicate" };
  if (Number(rows[0]?.jobs) !== 1) throw new Error(`delivery ${id} was recorded without its ${WEBHOOK_JOB} job`);
  signalLocalDelivery();
  return { status: "recorded", deliveryId: id, enqueued: true };
}
