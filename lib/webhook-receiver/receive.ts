import type { DbHandle } from "@/db/client";
import { sha256Hex } from "@/lib/crypto";
import { eventKindForHeader, parseWebhookEvent } from "@/lib/gitlab/webhook-events";
import { log } from "@/lib/log";
import { decide } from "@/lib/resolver/triggers";
import { verifyWebhookToken } from "./installation-secret";
import { readBodyCapped } from "./read-body";
import { recordDelivery } from "./queries/record-delivery";

/**
 * `POST /api/gitlab/webhook`, in the fixed order of style.md §10:
 *   installation from the token → constant-time compare → raw body (5 MB cap) → zod by
 *   X-Gitlab-Event → record with a UNIQUE idempotency key and enqueue in the same transaction → 2xx.
 *
 * GitLab disables a hook after 4 failed deliveries in a row, so every authenticated, well-formed
 * delivery gets a 2xx: duplicates (200), events we do not handle and events that are obviously not
 * triggers (202, recorded as ignored with the reason). 4xx is reserved for what only a
 * misconfigured or hostile sender produces. No GitLab API call happens here; the worker does them.
 */

export interface ReceiverDeps {
  handle: DbHandle;
}

const json = (status: number, body: unknown): Response => Response.json(body, { status });
const failure = (status: number, code: string, message: string): Response => json(status, { error: { code, message } });

/** GitLab ≥ 17.4 sends Idempotency-Key (stable across retries); older ones the event UUID. */
function idempotencyKeyOf(headers: Headers, body: string): string {
  const key = headers.get("idempotency-key")?.trim() || headers.get("x-gitlab-event-uuid")?.trim();
  if (key) return key.slice(0, 200);
  return `sha256:${sha256Hex(body)}`;
}

/** jsonb rejects the NUL character that JSON allows; such a body is stored without it. */
function storableJson(text: string, parsed: unknown): string {
  if (!text.includes("\\u0000")) return text;
  return JSON.stringify(parsed, (_k, v: unknown) => (typeof v === "string" ? v.replaceAll("\u0000", "") : v));
}

function projectIdOf(body: unknown): number | null {
  if (typeof body !== "object" || body === null) return null;
  const project = (body as { project?: unknown }).project;
  const id = typeof project === "object" && project !== null ? (project as { id?: unknown }).id : undefined;
  return typeof id === "number" && Number.isInteger(id) ? id : null;
}

export async function receiveWebhook(req: Request, deps: ReceiverDeps): Promise<Response> {
  // 1-2. The installation named by the token (a header), and a constant-time comparison of its
  // secret hash, BEFORE the body is read (issue 13): an unauthenticated sender costs one indexed
  // lookup, never a 5 MB read. A 401 stores nothing and cancels the body stream unread.
  const installation = await verifyWebhookToken(deps.handle.db, req.headers.get("x-gitlab-token"));
  if (!installation) {
    await req.body?.cancel().catch(() => undefined);
    return failure(401, "invalid_token", "Missing or invalid X-Gitlab-Token.");
  }

  // 3. Raw body, capped: counted as it streams, whatever Content-Length claims.
  const body = await readBodyCapped(req);
  if (!body.ok) return failure(413, "payload_too_large", "Webhook bodies are limited to 5 MB.");

  // 4. Parse: malformed JSON or a schema mismatch is a 400 with a short reason.
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.text);
  } catch {
    return failure(400, "invalid_json", "The body is not valid JSON.");
  }
  const header = req.headers.get("x-gitlab-event")?.trim() ?? "";
  const eventUuid = req.headers.get("x-gitlab-event-uuid")?.trim() || null;
  const kind = eventKindForHeader(header);
  let outcome: "pending" | "ignored" = "pending";
  let reason: string | null = null;
  let projectId = projectIdOf(parsed);
  let payloadJson: string | null = storableJson(body.text, parsed);

  if (!kind) {
    // Recorded so "why didn't it respond?" has an answer, but without the payload: we never read it.
    outcome = "ignored";
    reason = header ? `unhandled event type: ${header.slice(0, 80)}` : "no X-Gitlab-Event header";
    payloadJson = null;
  } else {
    const event = parseWebhookEvent(kind, parsed);
    if (!event.ok) return failure(400, "invalid_payload", `Body does not match ${header}: ${event.reason}`);
    projectId = event.event.payload.project.id;
    // Decisions that need neither the database nor GitLab are made here, so non-triggers (edits,
    // system notes, other labels…) never reach the queue. The worker repeats the same decision.
    const decision = decide(event.event, { eventUuid });
    if (decision.action === "ignore") {
      outcome = "ignored";
      reason = decision.reason;
    }
  }

  // 5-6. Record with the UNIQUE idempotency key; enqueue in the same transaction (one statement).
  const result = await recordDelivery(deps.handle, {
    installationId: installation.id,
    idempotencyKey: idempotencyKeyOf(req.headers, body.text),
    eventUuid,
    event: header.slice(0, 100) || "unknown",
    projectId,
    payloadJson,
    outcome,
    reason,
  });
  if (result.status === "duplicate") return json(200, { status: "duplicate" });
  if (outcome === "ignored") log.debug("webhook ignored", { deliveryId: result.deliveryId, reason });
  return json(202, { status: outcome === "pending" ? "accepted" : "ignored", delivery: result.deliveryId, ...(reason ? { reason } : {}) });
}
