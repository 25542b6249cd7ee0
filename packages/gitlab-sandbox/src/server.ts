// Request dispatch: control API, fault injection, git smart HTTP, REST v4 (auth, rate limit, scopes),
// OAuth endpoints and HTML pages. Counts every non-control request for /-/sandbox/stats.
import type { IncomingMessage, ServerResponse } from "node:http";
import { branchRoutes } from "./api-branches";
import { groupRoutes } from "./api-groups";
import { hookEventRoutes } from "./api-hook-events";
import { issueAwardRoutes } from "./api-issue-awards";
import { hookTestRoutes } from "./api-hook-test";
import { hookRoutes } from "./api-hooks";
import { issueRoutes } from "./api-issues";
import { labelEventRoutes } from "./api-label-events";
import { mrRoutes } from "./api-mrs";
import { namespaceRoutes } from "./api-namespaces";
import { noteRoutes } from "./api-notes";
import { projectRoutes } from "./api-projects";
import { userRoutes } from "./api-users";
import { authenticateToken, checkScopes, requestToken } from "./auth";
import type { ApiRoute, App, Ctx } from "./context";
import { handleControl, type ControlDeps } from "./control";
import { holdResponse, type FaultInput } from "./faults";
import { serveGit } from "./git-bridge";
import { isGitRequest } from "./git-http";
import { HttpError, readBody, routeNotFound, sendHtml, sendJson, sendText } from "./http";
import { handleAuthorize, handleRevoke, handleToken, handleTokenInfo, handleUserInfo } from "./oauth";
import { renderErrorPage } from "./pages";
import { parseBody, parseForm, type Params } from "./params";
import { Router, splitPath } from "./router";
import { handleWeb, webRouteKey } from "./web";

const API_PREFIX = "/api/v4";

export function buildApiRouter(): Router<ApiRoute> {
  const router = new Router<ApiRoute>();
  for (const r of [...userRoutes, ...projectRoutes, ...branchRoutes, ...groupRoutes, ...hookRoutes, ...hookTestRoutes, ...issueRoutes, ...labelEventRoutes, ...mrRoutes, ...noteRoutes, ...namespaceRoutes, ...hookEventRoutes, ...issueAwardRoutes]) router.add(r.method, r.path, r);
  return router;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function runDeferred(res: ServerResponse, deferred: (() => void)[]): void {
  if (deferred.length === 0) return;
  const run = (): void => {
    for (const fn of deferred.splice(0)) {
      try {
        fn();
      } catch (error) {
        console.error("gitlab-sandbox: deferred action failed", error);
      }
    }
  };
  if (res.writableFinished) setImmediate(run);
  else res.once("finish", run).once("close", run);
}

async function readParams(req: IncomingMessage): Promise<Params> {
  const method = req.method ?? "GET";
  if (method === "GET" || method === "HEAD") return {};
  return parseBody(req.headers["content-type"], await readBody(req));
}

async function handleApi(app: App, router: Router<ApiRoute>, req: IncomingMessage, res: ServerResponse, rawPath: string, url: URL, meta: { routeKey: string }): Promise<void> {
  const method = req.method ?? "GET";
  const segments = splitPath(rawPath.slice(API_PREFIX.length));
  const match = segments ? router.match(method, segments) : null;
  if (match === null) throw routeNotFound();
  if (match === "method_not_allowed") throw new HttpError(405, { error: "405 Not Allowed" });
  meta.routeKey = `${method} ${match.template}`;
  const token = requestToken(req, url.searchParams);
  let rateHeaders: Record<string, string> = {};
  if (app.rateLimiter.enabled) {
    const decision = app.rateLimiter.check(token ?? `ip:${req.socket.remoteAddress ?? ""}`);
    rateHeaders = decision.headers;
    if (!decision.allowed) {
      sendText(res, 429, "Retry later\n", rateHeaders);
      return;
    }
  }
  const deferred: (() => void)[] = [];
  try {
    const principal = token ? authenticateToken(app, token) : null;
    if (principal) checkScopes(principal, method, match.handler.extraScopes);
    const body = await readParams(req);
    const ctx: Ctx = {
      app, req, res, method, url, query: url.searchParams, params: match.params, input: { ...parseForm(url.searchParams), ...body },
      publicUrl: `${app.baseUrl}${req.url ?? rawPath}`, principal, defer: (fn) => deferred.push(fn),
    };
    const result = await match.handler.handler(ctx);
    const headers = { ...rateHeaders, ...(result.headers ?? {}) };
    if (typeof result.body === "string" && (headers["Content-Type"] ?? "").startsWith("text/")) sendText(res, result.status, result.body, headers);
    else sendJson(res, result.status, result.body, headers);
    runDeferred(res, deferred);
  } catch (error) {
    if (error instanceof HttpError) throw new HttpError(error.status, error.body, { ...rateHeaders, ...error.headers });
    throw error;
  }
}

async function handleOAuth(app: App, req: IncomingMessage, res: ServerResponse, path: string, url: URL): Promise<boolean> {
  const method = req.method ?? "GET";
  switch (`${method} ${path}`) {
    case "GET /oauth/authorize":
    case "POST /oauth/authorize":
      handleAuthorize(app, req, res, method, parseForm(url.searchParams), await readParams(req));
      return true;
    case "POST /oauth/token":
      handleToken(app, req, res, { ...parseForm(url.searchParams), ...(await readParams(req)) });
      return true;
    case "POST /oauth/revoke":
      handleRevoke(app, req, res, { ...parseForm(url.searchParams), ...(await readParams(req)) });
      return true;
    case "GET /oauth/token/info":
      handleTokenInfo(app, req, res, url.searchParams);
      return true;
    case "GET /oauth/userinfo":
    case "POST /oauth/userinfo":
      handleUserInfo(app, req, res, url.searchParams);
      return true;
    default:
      return false;
  }
}

/** The node:http request listener of a sandbox. */
export function createRequestHandler(app: App, control: ControlDeps): (req: IncomingMessage, res: ServerResponse) => void {
  const router = buildApiRouter();
  return (req, res) => {
    void dispatch(app, router, control, req, res);
  };
}

async function dispatch(app: App, router: Router<ApiRoute>, control: ControlDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const method = req.method ?? "GET";
  const rawUrl = req.url ?? "/";
  const rawPath = rawUrl.split("?")[0] ?? "/";
  const meta = { routeKey: `${method} (unmatched)` };
  let url: URL;
  try {
    url = new URL(rawUrl, "http://sandbox.invalid");
  } catch {
    sendText(res, 400, "Bad Request");
    return;
  }
  const path = url.pathname;
  try {
    if (path.startsWith("/-/sandbox/")) {
      await handleControl(app, control, req, res, path, url.searchParams, await readParams(req));
      return;
    }
    const isApi = rawPath === API_PREFIX || rawPath.startsWith(`${API_PREFIX}/`);
    if (isApi) {
      // Known before any fault fires, so faulted calls still count under their route.
      const segments = splitPath(rawPath.slice(API_PREFIX.length));
      const m = segments ? router.match(method, segments) : null;
      if (m && m !== "method_not_allowed") meta.routeKey = `${method} ${m.template}`;
    }
    const fault = app.faults.match(method, rawUrl);
    if (fault?.input.after) {
      // The real handler runs and its effects stay; only its answer is replaced (or delayed).
      const held = holdResponse(res);
      try {
        await serve(app, router, req, res, { method, rawPath, path, url, isApi, meta });
      } catch (error) {
        sendError(res, method, rawUrl, path, error);
      }
      if (fault.input.drop || fault.input.status !== undefined) {
        held.discard();
        await answerFault(res, fault.input);
      } else {
        if (fault.input.delay_ms) await sleep(fault.input.delay_ms);
        held.replay();
      }
      return;
    }
    if (fault && (await answerFault(res, fault.input))) return;
    await serve(app, router, req, res, { method, rawPath, path, url, isApi, meta });
  } catch (error) {
    sendError(res, method, rawUrl, path, error);
  } finally {
    if (!path.startsWith("/-/sandbox/")) {
      const record = (): void => app.stats.record(meta.routeKey, res.statusCode);
      if (res.writableFinished) record();
      else res.once("finish", record);
    }
  }
}

/**
 * Answers with a fault: waits `delay_ms`, then drops the connection (`drop`) or answers `status`.
 * Returns false when the fault only slows the request down and the real answer must follow.
 */
async function answerFault(res: ServerResponse, input: FaultInput): Promise<boolean> {
  if (input.delay_ms) await sleep(input.delay_ms);
  if (input.drop) {
    res.destroy();
    return true;
  }
  if (input.status === undefined) return false;
  const headers: Record<string, string> = input.retry_after !== undefined ? { "Retry-After": String(input.retry_after) } : {};
  const body = input.body;
  if (typeof body === "string") sendText(res, input.status, body, headers);
  else sendJson(res, input.status, body ?? { message: `${input.status} Sandbox fault` }, headers);
  return true;
}

interface Route { method: string; rawPath: string; path: string; url: URL; isApi: boolean; meta: { routeKey: string } }

/** Everything but the control API: git smart HTTP, REST v4, OAuth and the HTML pages. */
async function serve(app: App, router: Router<ApiRoute>, req: IncomingMessage, res: ServerResponse, r: Route): Promise<void> {
  const { method, rawPath, path, url, isApi, meta } = r;
  if (isGitRequest(path)) {
    meta.routeKey = `${method} /:project.git/${path.endsWith("info/refs") ? "info/refs" : path.split("/").pop() ?? ""}`;
    await serveGit(app, req, res, path);
    return;
  }
  if (isApi) {
    await handleApi(app, router, req, res, rawPath, url, meta);
    return;
  }
  if (path.startsWith("/oauth/")) {
    meta.routeKey = `${method} ${path}`;
    if (await handleOAuth(app, req, res, path, url)) return;
    sendJson(res, 404, { error: "404 Not Found" });
    return;
  }
  meta.routeKey = webRouteKey(method, path);
  const deferred: (() => void)[] = [];
  const form = await readParams(req);
  await handleWeb({ app, req, res, method, path, query: url.searchParams, form, defer: (fn) => deferred.push(fn) });
  runDeferred(res, deferred);
}

function sendError(res: ServerResponse, method: string, rawUrl: string, path: string, error: unknown): void {
  if (error instanceof HttpError) {
    if (path.startsWith(API_PREFIX) || path.startsWith("/-/sandbox/") || path.startsWith("/oauth/")) sendJson(res, error.status, error.body, error.headers);
    else sendHtml(res, error.status, renderErrorPage(error.status, typeof error.body === "string" ? error.body : JSON.stringify(error.body)));
  } else {
    console.error("gitlab-sandbox: request failed", method, rawUrl, error);
    if (!res.headersSent) sendJson(res, 500, { message: "500 Internal Server Error" });
    else res.destroy();
  }
}
