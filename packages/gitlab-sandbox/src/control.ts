// Control API under /-/sandbox/ (not GitLab's): reset, seed, deliveries, faults, rate limit, config,
// OAuth helpers and request statistics. See README.md for the contract of each endpoint.
import type { IncomingMessage, ServerResponse } from "node:http";
import { z } from "zod";
import { commitAsPush } from "./commits";
import type { App } from "./context";
import { FaultInputSchema, RateLimitInputSchema } from "./faults";
import { HttpError, sendJson } from "./http";
import { expireUserTokens, issueToken, revokeUserTokens, tokenBody } from "./oauth-tokens";
import type { Params } from "./params";
import { applySeed } from "./seed";
import type { User } from "./store";

export interface ControlDeps { reset(): Promise<void> }

const UserRef = z.object({ username: z.string().optional(), user_id: z.number().int().optional(), application_uid: z.string().optional() });

const ConfigSchema = z.object({
  access_token_ttl_seconds: z.number().int().min(1).optional(),
  webhook_timeout_ms: z.number().int().min(1).optional(),
  free_tier_group_hooks: z.enum(["accept", "forbidden"]).optional(),
});

function parse<S extends z.ZodType>(schema: S, body: Params): z.infer<S> {
  const r = schema.safeParse(body);
  if (!r.success) throw new HttpError(400, { error: "invalid control request", issues: r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`) });
  return r.data;
}

function userFor(app: App, ref: z.infer<typeof UserRef>): User {
  const user = ref.user_id !== undefined ? app.store.users.get(ref.user_id) : ref.username ? app.store.usersByUsername.get(ref.username.toLowerCase()) : undefined;
  if (!user) throw new HttpError(404, { error: "unknown user" });
  return user;
}

function appIdFor(app: App, uid: string | undefined): number | undefined {
  if (uid === undefined) return undefined;
  const a = app.store.appsByUid.get(uid);
  if (!a) throw new HttpError(404, { error: "unknown application" });
  return a.id;
}

export async function handleControl(app: App, deps: ControlDeps, req: IncomingMessage, res: ServerResponse, path: string, query: URLSearchParams, body: Params): Promise<void> {
  const method = req.method ?? "GET";
  const route = `${method} ${path.replace(/\/\d+\//, "/:id/")}`;
  const send = (status: number, payload: unknown): void => sendJson(res, status, payload);
  switch (route) {
    case "GET /-/sandbox/health":
      return send(200, { ok: true, url: app.baseUrl });
    case "POST /-/sandbox/reset":
      await deps.reset();
      return send(200, { ok: true });
    case "POST /-/sandbox/seed":
      try {
        return send(201, await applySeed(app, body));
      } catch (error) {
        if (error instanceof z.ZodError) throw new HttpError(400, { error: "invalid seed", issues: error.issues.map((i) => `${i.path.join(".")}: ${i.message}`) });
        throw new HttpError(400, { error: error instanceof Error ? error.message : String(error) });
      }
    case "GET /-/sandbox/deliveries": {
      const hookId = query.get("hook_id");
      const event = query.get("event");
      return send(200, app.webhooks.list().filter((d) => (!hookId || String(d.hook_id) === hookId) && (!event || d.event === event)));
    }
    case "POST /-/sandbox/deliveries/settle":
      await app.webhooks.idle();
      return send(200, { ok: true });
    case "POST /-/sandbox/deliveries/:id/resend": {
      const id = Number(/\/deliveries\/(\d+)\//.exec(path)?.[1]);
      const record = app.webhooks.resend(id);
      if (!record) throw new HttpError(404, { error: "unknown delivery" });
      return send(201, record);
    }
    case "GET /-/sandbox/faults":
      return send(200, app.faults.list());
    case "POST /-/sandbox/faults": {
      const input = parse(FaultInputSchema, body);
      try {
        new RegExp(input.path);
      } catch {
        throw new HttpError(400, { error: "path is not a valid regular expression" });
      }
      const fault = app.faults.add(input);
      return send(201, { id: fault.id, ...input });
    }
    case "DELETE /-/sandbox/faults":
      app.faults.clear();
      return send(200, { ok: true });
    case "GET /-/sandbox/rate-limit":
      return send(200, app.rateLimiter.settings());
    case "POST /-/sandbox/rate-limit": {
      const input = parse(RateLimitInputSchema, body);
      app.rateLimiter.configure(input.requests_per_minute);
      return send(200, app.rateLimiter.settings());
    }
    case "GET /-/sandbox/config":
      return send(200, configBody(app));
    case "POST /-/sandbox/config": {
      const input = parse(ConfigSchema, body);
      if (input.access_token_ttl_seconds !== undefined) app.config.accessTokenTtlSeconds = input.access_token_ttl_seconds;
      if (input.webhook_timeout_ms !== undefined) app.config.webhookTimeoutMs = input.webhook_timeout_ms;
      if (input.free_tier_group_hooks !== undefined) app.config.freeTierGroupHooks = input.free_tier_group_hooks;
      return send(200, configBody(app));
    }
    case "POST /-/sandbox/oauth/expire": {
      const ref = parse(UserRef, body);
      return send(200, { expired: expireUserTokens(app, userFor(app, ref).id, appIdFor(app, ref.application_uid)) });
    }
    case "POST /-/sandbox/oauth/revoke": {
      const ref = parse(UserRef, body);
      return send(200, { revoked: revokeUserTokens(app, userFor(app, ref).id, appIdFor(app, ref.application_uid)) });
    }
    case "POST /-/sandbox/oauth/tokens": {
      const ref = parse(UserRef.extend({ scopes: z.array(z.string()).default(["api"]) }), body);
      const user = userFor(app, ref);
      const appId = appIdFor(app, ref.application_uid) ?? [...app.store.apps.keys()][0];
      if (appId === undefined) throw new HttpError(400, { error: "seed an oauth application first" });
      return send(201, tokenBody(issueToken(app, appId, user.id, ref.scopes)));
    }
    case "POST /-/sandbox/commits": {
      const input = parse(z.object({
        project: z.union([z.string(), z.number()]), branch: z.string(), start_branch: z.string().optional(),
        files: z.record(z.string(), z.string().nullable()), message: z.string().optional(), author: z.string().optional(),
      }), body);
      try {
        return send(201, await commitAsPush(app, input.project, { branch: input.branch, startBranch: input.start_branch, files: input.files, message: input.message, author: input.author }));
      } catch (error) {
        throw new HttpError(400, { error: error instanceof Error ? error.message : String(error) });
      }
    }
    case "GET /-/sandbox/stats":
      return send(200, app.stats.snapshot());
    case "POST /-/sandbox/stats/reset":
    case "DELETE /-/sandbox/stats":
      app.stats.reset();
      return send(200, { ok: true });
    default:
      throw new HttpError(404, { error: `unknown control endpoint ${method} ${path}` });
  }
}

function configBody(app: App): Record<string, unknown> {
  return {
    access_token_ttl_seconds: app.config.accessTokenTtlSeconds, webhook_timeout_ms: app.config.webhookTimeoutMs,
    free_tier_group_hooks: app.config.freeTierGroupHooks, base_url: app.baseUrl,
  };
}
