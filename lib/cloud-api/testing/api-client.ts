import * as conversationsRoute from "@/app/api/v1/conversations/route";
import * as conversationRoute from "@/app/api/v1/conversations/[id]/route";
import * as eventsRoute from "@/app/api/v1/conversations/[id]/events/route";
import * as messagesRoute from "@/app/api/v1/conversations/[id]/messages/route";
import * as cancelRoute from "@/app/api/v1/conversations/[id]/cancel/route";
import * as pushRoute from "@/app/api/v1/conversations/[id]/push/route";
import * as mergeRequestRoute from "@/app/api/v1/conversations/[id]/merge-request/route";
import * as openapiRoute from "@/app/api/v1/openapi.json/route";
import type { RecordedResponse } from "./openapi-validator";

/**
 * Test helper: the Cloud API over HTTP semantics without a server. Each call builds a real
 * `Request` and hands it to the exported route handler the way Next's router would, with the path
 * parameters as a promise. Every JSON response is recorded so a test can check it against the
 * OpenAPI document afterwards.
 */

type RouteHandler = (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response> | Response;
type RouteModule = Partial<Record<"GET" | "POST", RouteHandler>>;

const routes: { template: string; pattern: RegExp; module: RouteModule }[] = [
  { template: "/conversations", pattern: /^\/conversations$/, module: conversationsRoute as unknown as RouteModule },
  { template: "/conversations/{id}", pattern: /^\/conversations\/(?<id>[^/]+)$/, module: conversationRoute as unknown as RouteModule },
  { template: "/conversations/{id}/events", pattern: /^\/conversations\/(?<id>[^/]+)\/events$/, module: eventsRoute as unknown as RouteModule },
  { template: "/conversations/{id}/messages", pattern: /^\/conversations\/(?<id>[^/]+)\/messages$/, module: messagesRoute as unknown as RouteModule },
  { template: "/conversations/{id}/cancel", pattern: /^\/conversations\/(?<id>[^/]+)\/cancel$/, module: cancelRoute as unknown as RouteModule },
  { template: "/conversations/{id}/push", pattern: /^\/conversations\/(?<id>[^/]+)\/push$/, module: pushRoute as unknown as RouteModule },
  { template: "/conversations/{id}/merge-request", pattern: /^\/conversations\/(?<id>[^/]+)\/merge-request$/, module: mergeRequestRoute as unknown as RouteModule },
  { template: "/openapi.json", pattern: /^\/openapi\.json$/, module: openapiRoute as unknown as RouteModule },
];

export interface ApiCallOptions {
  key?: string;
  /** sent as JSON unless it is a string (sent as is) */
  body?: unknown;
  headers?: Record<string, string>;
}

export interface ApiResult<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
  response: Response;
}

export class ApiClient {
  readonly recorded: RecordedResponse[] = [];

  constructor(private readonly baseUrl = "http://127.0.0.1:3999/api/v1") {}

  /** Calls the route and reads the body as JSON (or leaves the stream unread for event streams). */
  async call<T = unknown>(method: "GET" | "POST", pathAndQuery: string, opts: ApiCallOptions = {}): Promise<ApiResult<T>> {
    const url = new URL(this.baseUrl + pathAndQuery);
    const path = url.pathname.slice(new URL(this.baseUrl).pathname.length);
    const route = routes.find((r) => r.pattern.test(path));
    const handler = route?.module[method];
    if (!route || !handler) throw new Error(`no route for ${method} ${path}`);
    const params = route.pattern.exec(path)?.groups ?? {};
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.key) headers.authorization = `Bearer ${opts.key}`;
    let body: string | undefined;
    if (opts.body !== undefined) {
      body = typeof opts.body === "string" ? opts.body : JSON.stringify(opts.body);
      headers["content-type"] ??= "application/json";
    }
    const response = await handler(new Request(url, { method, headers, body }), { params: Promise.resolve(params) });
    const contentType = response.headers.get("content-type") ?? "";
    if (contentType.startsWith("text/event-stream")) {
      this.recorded.push({ method, template: route.template, status: response.status, contentType, body: undefined });
      return { status: response.status, headers: response.headers, body: undefined as T, response };
    }
    const json: unknown = await response.json();
    this.recorded.push({ method, template: route.template, status: response.status, contentType, body: json });
    return { status: response.status, headers: response.headers, body: json as T, response };
  }

  get<T = unknown>(path: string, opts?: ApiCallOptions) {
    return this.call<T>("GET", path, opts);
  }

  post<T = unknown>(path: string, body?: unknown, opts: ApiCallOptions = {}) {
    return this.call<T>("POST", path, { ...opts, body });
  }
}
