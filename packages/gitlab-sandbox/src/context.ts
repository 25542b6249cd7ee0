// Shared shapes: the sandbox instance every module works against, and the per-request context.
import type { IncomingMessage, ServerResponse } from "node:http";
// Only types come in here, from modules that never import this one back, so the sandbox has no
// import cycles (which is also why the GitLab version constants live in version.ts).
import type { Faults, RateLimiter } from "./faults";
import type { Params } from "./params";
import type { RepoManager } from "./repos";
import type { RequestStats } from "./stats";
import type { Store, User } from "./store";
import type { WebhookEngine } from "./webhook-delivery";

export interface SandboxConfig {
  /** Lifetime of OAuth access tokens (GitLab: 7200 s, not configurable there). */
  accessTokenTtlSeconds: number;
  /** Webhook request timeout (GitLab.com: 10 s). */
  webhookTimeoutMs: number;
  /**
   * How group hook endpoints behave on a Free top-level namespace. "accept" mirrors GitLab's code
   * (CRUD works for Owners, hooks never fire); "forbidden" answers 403 for tests of a refusal path.
   */
  freeTierGroupHooks: "accept" | "forbidden";
}

export interface App {
  store: Store;
  config: SandboxConfig;
  /** Base URL used in web_url, links and X-Gitlab-Instance (publicUrl or the listening address). */
  baseUrl: string;
  repos: RepoManager;
  webhooks: WebhookEngine;
  stats: RequestStats;
  faults: Faults;
  rateLimiter: RateLimiter;
  /** work that runs after a response, like GitLab's post-receive; close() waits for it */
  background: Set<Promise<unknown>>;
}

/** Who a request acts as: the owner of the token it carries (auth.ts resolves it). */
export interface Principal { user: User; scopes: string[]; kind: "pat" | "oauth"; tokenId: number; token: string }

export interface ApiResult { status: number; body: unknown; headers?: Record<string, string> }

export interface Ctx {
  app: App;
  req: IncomingMessage;
  res: ServerResponse;
  method: string;
  url: URL;
  query: URLSearchParams;
  params: Record<string, string>;
  /** Query string and body merged (body wins), as Grape's `params`. */
  input: Params;
  /** The request URL as seen from outside (for `link` headers). */
  publicUrl: string;
  principal: Principal | null;
  /** Runs `fn` once the response has been sent (webhooks fire after the causing call returns). */
  defer(fn: () => void): void;
}

export type ApiHandler = (ctx: Ctx) => ApiResult | Promise<ApiResult>;

export interface ApiRoute {
  method: string;
  path: string;
  handler: ApiHandler;
  /** Scopes accepted besides `api` / `read_api` (e.g. `read_user` on GET /user). */
  extraScopes?: string[];
}

export const ok = (body: unknown, headers?: Record<string, string>): ApiResult => ({ status: 200, body, headers });
export const created = (body: unknown): ApiResult => ({ status: 201, body });
export const noContent = (): ApiResult => ({ status: 204, body: null });
