// Webhook delivery engine: picks the hooks an event reaches (project hooks plus group hooks of every
// ancestor group on a paid tier), sends GitLab's headers, records each attempt, and applies
// WebHooks::AutoDisabling (4 consecutive failures: temporarily disabled with exponential backoff,
// 40: disabled for good; a success resets). Hooks of one hook run one after another, like a queue.
import { randomUUID } from "node:crypto";
import { request as httpRequest, type ClientRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { effectiveTier, groupChain } from "./access";
import { alertStatus } from "./present-hooks";
import type { Hook, HookEventFlag, Project, Store } from "./store";
import { GITLAB_VERSION } from "./version";

export interface DeliveryRecord {
  id: number; hook_id: number; hook_kind: "project" | "group"; project_id: number | null; group_id: number | null;
  url: string; event: string; trigger: string; request_headers: Record<string, string>; request_body: unknown;
  idempotency_key: string; event_uuid: string; webhook_uuid: string; resend_of: number | null;
  state: "pending" | "sending" | "done" | "skipped"; status: number | null; duration_ms: number | null;
  error: string | null; response_body: string | null; queued_at: string; started_at: string | null; finished_at: string | null;
}

const TRIGGER_NAMES: Partial<Record<HookEventFlag, string>> = {
  issues_events: "issue_hooks", confidential_issues_events: "confidential_issue_hooks", note_events: "note_hooks",
  confidential_note_events: "confidential_note_hooks", merge_requests_events: "merge_request_hooks", emoji_events: "emoji_hooks",
  push_events: "push_hooks", tag_push_events: "tag_push_hooks",
};

const INITIAL_BACKOFF_MS = 60_000;
const MAX_BACKOFF_MS = 86_400_000;

/** What the engine reads from the sandbox; `baseUrl` is live because it is known only after listen(). */
export interface EngineHost { readonly store: Store; readonly baseUrl: string; readonly config: { webhookTimeoutMs: number } }

/** Minimal custom webhook templates: `{{a.b}}` is replaced by the JSON-escaped value at that path. */
function renderTemplate(template: string, payload: unknown): string {
  return template.replace(/\{\{\s*([\w.]+)\s*\}\}/g, (_m, path: string) => {
    let node: unknown = payload;
    for (const part of path.split(".")) node = typeof node === "object" && node !== null ? (node as Record<string, unknown>)[part] : undefined;
    const text = typeof node === "string" ? node : node === undefined ? "" : JSON.stringify(node);
    return JSON.stringify(text).slice(1, -1);
  });
}

export class WebhookEngine {
  private records: DeliveryRecord[] = [];
  private seq = 1;
  private queues = new Map<number, Promise<void>>();
  private inFlight = new Set<ClientRequest>();
  private pending = new Set<Promise<void>>();
  private closed = false;

  constructor(private readonly host: EngineHost) {}

  /** Hooks reached by an event of `flag` in `project`, enabled or not. */
  hooksFor(project: Project, flag: HookEventFlag): Hook[] {
    const { store } = this.host;
    const out: Hook[] = [];
    for (const h of store.hooks.values()) if (h.kind === "project" && h.projectId === project.id && h.events[flag]) out.push(h);
    if (project.namespace.kind === "group") {
      const chain = groupChain(store, project.namespace.id);
      const root = chain[chain.length - 1];
      // Group webhooks are a licensed feature (Premium+) of the top-level namespace.
      if (root && effectiveTier(store, root) !== "free") {
        const ids = new Set(chain.map((g) => g.id));
        for (const h of store.hooks.values()) if (h.kind === "group" && h.groupId !== null && ids.has(h.groupId) && h.events[flag]) out.push(h);
      }
    }
    return out;
  }

  /** Queues deliveries; callers invoke this after the causing response was sent. */
  emit(project: Project, flag: HookEventFlag, eventName: string, payload: Record<string, unknown>): DeliveryRecord[] {
    if (this.closed) return [];
    const eventUuid = randomUUID();
    const created: DeliveryRecord[] = [];
    for (const hook of this.hooksFor(project, flag)) {
      if (alertStatus(hook) !== "executable") continue;
      const record = this.newRecord(hook, eventName, TRIGGER_NAMES[flag] ?? flag, payload, randomUUID(), eventUuid, null);
      created.push(record);
      this.enqueue(hook, record);
    }
    return created;
  }

  /** Sends a recorded delivery again with the same Idempotency-Key (GitLab's "Resend request"). */
  resend(id: number): DeliveryRecord | null {
    const original = this.records.find((r) => r.id === id);
    const hook = original ? this.host.store.hooks.get(original.hook_id) : undefined;
    if (!original || !hook || this.closed) return null;
    const record = this.newRecord(hook, original.event, original.trigger, original.request_body, original.idempotency_key, randomUUID(), original.id);
    this.enqueue(hook, record, true);
    return record;
  }

  /**
   * GitLab's resend API (WebHooks::Events::ResendService): the logged request again, with the same
   * Idempotency-Key, executed now and answered with the outcome. It goes through the hook's normal
   * execution, so a disabled hook does not send it (GitLab answers "Hook disabled").
   * https://docs.gitlab.com/api/project_webhooks/#resend-a-project-webhook-event
   */
  async resendNow(original: DeliveryRecord): Promise<DeliveryRecord | null> {
    const hook = this.host.store.hooks.get(original.hook_id);
    if (!hook || this.closed) return null;
    const record = this.newRecord(hook, original.event, original.trigger, original.request_body, original.idempotency_key, randomUUID(), original.id);
    this.enqueue(hook, record);
    await (this.queues.get(hook.id) ?? Promise.resolve());
    return record;
  }

  /** Delivers now regardless of alert status and waits for the outcome (GitLab's "Test" button / API). */
  async sendNow(hook: Hook, flag: HookEventFlag, eventName: string, payload: Record<string, unknown>): Promise<DeliveryRecord> {
    const record = this.newRecord(hook, eventName, TRIGGER_NAMES[flag] ?? flag, payload, randomUUID(), randomUUID(), null);
    this.enqueue(hook, record, true);
    await (this.queues.get(hook.id) ?? Promise.resolve());
    return record;
  }

  list(): DeliveryRecord[] {
    return this.records.map((r) => ({ ...r, request_headers: { ...r.request_headers } }));
  }

  /** Resolves once every queued delivery has finished. */
  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  /** Aborts in-flight requests, drops the queue and forgets all records. */
  async reset(): Promise<void> {
    this.closed = true;
    for (const req of this.inFlight) req.destroy(new Error("sandbox reset"));
    await this.idle();
    this.records = [];
    this.queues.clear();
    this.closed = false;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const req of this.inFlight) req.destroy(new Error("sandbox closed"));
    await this.idle();
  }

  private newRecord(hook: Hook, event: string, trigger: string, body: unknown, idempotencyKey: string, eventUuid: string, resendOf: number | null): DeliveryRecord {
    const record: DeliveryRecord = {
      id: this.seq++, hook_id: hook.id, hook_kind: hook.kind, project_id: hook.projectId, group_id: hook.groupId, url: hook.url,
      event, trigger, request_headers: {}, request_body: body, idempotency_key: idempotencyKey, event_uuid: eventUuid, webhook_uuid: "",
      resend_of: resendOf, state: "pending", status: null, duration_ms: null, error: null, response_body: null,
      queued_at: new Date().toISOString(), started_at: null, finished_at: null,
    };
    this.records.push(record);
    return record;
  }

  private enqueue(hook: Hook, record: DeliveryRecord, force = false): void {
    const previous = this.queues.get(hook.id) ?? Promise.resolve();
    const run = previous.then(() => this.deliver(hook, record, force));
    this.queues.set(hook.id, run);
    this.pending.add(run);
    void run.finally(() => {
      this.pending.delete(run);
      if (this.queues.get(hook.id) === run) this.queues.delete(hook.id);
    });
  }

  private async deliver(hook: Hook, record: DeliveryRecord, force: boolean): Promise<void> {
    // Checked again at send time: the hook may have been disabled or deleted while queued.
    if (this.closed || !this.host.store.hooks.has(hook.id) || (!force && alertStatus(hook) !== "executable")) {
      record.state = "skipped";
      record.error = this.closed ? "Sandbox closed" : "Hook disabled";
      // GitLab does not execute a disabled hook and writes no log entry for it (nothing appears in
      // the hook's events), so the skipped record leaves the log too.
      this.records = this.records.filter((r) => r !== record);
      return;
    }
    let target: URL;
    let url = hook.url;
    for (const v of hook.urlVariables) url = url.split(`{${v.key}}`).join(encodeURIComponent(v.value));
    try {
      target = new URL(url);
    } catch {
      this.finish(hook, record, null, "Invalid URL", null, 0);
      return;
    }
    const webhookUuid = randomUUID();
    const headers: Record<string, string> = {
      "Content-Type": "application/json",
      "User-Agent": `GitLab/${GITLAB_VERSION}`,
      "Idempotency-Key": record.idempotency_key,
      "X-Gitlab-Event": record.event,
      "X-Gitlab-Webhook-UUID": webhookUuid,
      "X-Gitlab-Instance": this.host.baseUrl,
      "X-Gitlab-Event-UUID": record.event_uuid,
    };
    if (hook.token) headers["X-Gitlab-Token"] = hook.token;
    for (const h of hook.customHeaders) if (!(h.key in headers)) headers[h.key] = h.value;
    if (target.username || target.password) {
      headers.Authorization = `Basic ${Buffer.from(`${decodeURIComponent(target.username)}:${decodeURIComponent(target.password)}`).toString("base64")}`;
      target.username = "";
      target.password = "";
    }
    const body = hook.customWebhookTemplate ? renderTemplate(hook.customWebhookTemplate, record.request_body) : JSON.stringify(record.request_body);
    record.webhook_uuid = webhookUuid;
    record.request_headers = { ...headers, ...(hook.token ? { "X-Gitlab-Token": "[REDACTED]" } : {}) };
    record.state = "sending";
    record.started_at = new Date().toISOString();
    const started = performance.now();
    const result = await this.post(target, headers, body);
    this.finish(hook, record, result.status, result.error, result.body, performance.now() - started);
  }

  private post(target: URL, headers: Record<string, string>, body: string): Promise<{ status: number | null; error: string | null; body: string | null }> {
    return new Promise((resolve) => {
      const send = target.protocol === "https:" ? httpsRequest : httpRequest;
      let settled = false;
      const done = (r: { status: number | null; error: string | null; body: string | null }): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this.inFlight.delete(req);
        resolve(r);
      };
      const req = send(target, { method: "POST", headers: { ...headers, "Content-Length": String(Buffer.byteLength(body)) }, agent: false }, (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on("data", (c: Buffer) => {
          size += c.length;
          if (size <= 8192) chunks.push(c);
        });
        res.on("end", () => done({ status: res.statusCode ?? null, error: null, body: Buffer.concat(chunks).toString("utf8").slice(0, 8192) }));
        res.on("error", (e) => done({ status: res.statusCode ?? null, error: e.message, body: null }));
      });
      const timer = setTimeout(() => req.destroy(new Error(`Net::ReadTimeout after ${this.host.config.webhookTimeoutMs} ms`)), this.host.config.webhookTimeoutMs);
      this.inFlight.add(req);
      req.on("error", (e) => done({ status: null, error: e.message, body: null }));
      req.end(body);
    });
  }

  private finish(hook: Hook, record: DeliveryRecord, status: number | null, error: string | null, responseBody: string | null, durationMs: number): void {
    record.state = "done";
    record.status = status;
    record.error = error;
    record.response_body = responseBody;
    record.duration_ms = Math.round(durationMs * 100) / 100;
    record.finished_at = new Date().toISOString();
    if (status !== null && status >= 200 && status < 300) {
      hook.recentFailures = 0;
      hook.backoffCount = 0;
      hook.disabledUntil = null;
      return;
    }
    // WebHooks::AutoDisabling#backoff!: the 4th consecutive failure starts a 1 min backoff that doubles, up to a day.
    const before = hook.recentFailures;
    hook.recentFailures = Math.min(before + 1, 40);
    if (before >= 3) {
      const backoff = Math.min(MAX_BACKOFF_MS, INITIAL_BACKOFF_MS * 2 ** Math.min(hook.backoffCount, 20));
      hook.disabledUntil = Date.now() + backoff;
      hook.backoffCount++;
    }
  }
}
