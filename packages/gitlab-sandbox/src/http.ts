// HTTP helpers shaped after GitLab's Grape API: JSON bodies, GitLab's error bodies and status codes,
// and offset pagination headers (`x-*` and `link`, without rel="next" on the last page).
import type { IncomingMessage, ServerResponse } from "node:http";

/** Thrown by handlers; the server turns it into a response. */
export class HttpError extends Error {
  constructor(readonly status: number, readonly body: unknown, readonly headers: Record<string, string> = {}) {
    super(typeof body === "string" ? body : JSON.stringify(body));
  }
}

/** Grape's `not_found!(resource)`. */
export const notFound = (what?: string): HttpError => new HttpError(404, { message: what ? `404 ${what} Not Found` : "404 Not Found" });
/** ActiveRecord::RecordNotFound as rescued by the API (`find_by!` lookups of issues, MRs, hooks, members). */
export const recordNotFound = (): HttpError => new HttpError(404, { message: "404 Not found" });
export const routeNotFound = (): HttpError => new HttpError(404, { error: "404 Not Found" });
export const forbidden = (reason?: string): HttpError => new HttpError(403, { message: reason ? `403 Forbidden - ${reason}` : "403 Forbidden" });
export const unauthorized = (): HttpError => new HttpError(401, { message: "401 Unauthorized" });
export const badRequest = (reason: string): HttpError => new HttpError(400, { message: `400 Bad request - ${reason}` });
export const missing = (names: string[]): HttpError => new HttpError(400, { error: names.map((n) => `${n} is missing`).join(", ") });
export const invalid = (names: string[]): HttpError => new HttpError(400, { error: names.map((n) => `${n} is invalid`).join(", ") });
export const conflict = (message: unknown): HttpError => new HttpError(409, { message });
export const unprocessable = (message: unknown): HttpError => new HttpError(422, { message });
export const validationError = (errors: Record<string, string[]>): HttpError => new HttpError(400, { message: errors });

const JSON_HEADERS = {
  "Content-Type": "application/json",
  "Cache-Control": "max-age=0, private, must-revalidate",
  "Vary": "Origin",
  "X-Content-Type-Options": "nosniff",
  "X-Frame-Options": "SAMEORIGIN",
};

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent) return;
  if (status === 204) {
    res.writeHead(204, { ...headers });
    res.end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, { ...JSON_HEADERS, "Content-Length": String(Buffer.byteLength(text)), ...headers });
  res.end(text);
}

export function sendText(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  if (res.headersSent) return;
  res.writeHead(status, { "Content-Type": "text/plain; charset=utf-8", "Content-Length": String(Buffer.byteLength(body)), ...headers });
  res.end(body);
}

export function sendHtml(res: ServerResponse, status: number, html: string, headers: Record<string, string> = {}): void {
  if (res.headersSent) return;
  res.writeHead(status, { "Content-Type": "text/html; charset=utf-8", "Content-Length": String(Buffer.byteLength(html)), ...headers });
  res.end(html);
}

export function redirect(res: ServerResponse, location: string, headers: Record<string, string> = {}): void {
  if (res.headersSent) return;
  const body = `<html><body>You are being <a href="${location.replace(/"/g, "&quot;")}">redirected</a>.</body></html>`;
  res.writeHead(302, { Location: location, "Content-Type": "text/html; charset=utf-8", "Content-Length": String(Buffer.byteLength(body)), ...headers });
  res.end(body);
}

export async function readBody(req: IncomingMessage, limit = 30 * 1024 * 1024): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > limit) throw new HttpError(413, { message: "413 Request Entity Too Large" });
    chunks.push(buf);
  }
  return Buffer.concat(chunks);
}

export interface PageInfo { page: number; perPage: number }

/** page/per_page as Grape parses them: per_page is capped at 100, bad values fall back to the defaults. */
export function pageParams(query: URLSearchParams): PageInfo {
  const page = Number.parseInt(query.get("page") ?? "", 10);
  const perPage = Number.parseInt(query.get("per_page") ?? "", 10);
  return {
    page: Number.isFinite(page) && page > 0 ? page : 1,
    perPage: Number.isFinite(perPage) && perPage > 0 ? Math.min(perPage, 100) : 20,
  };
}

/** Slices `items` and returns the pagination headers of GitLab's offset pagination. */
export function paginate<T>(items: T[], query: URLSearchParams, requestUrl: string): { slice: T[]; headers: Record<string, string> } {
  const { page, perPage } = pageParams(query);
  const total = items.length;
  const totalPages = Math.max(1, Math.ceil(total / perPage));
  const slice = items.slice((page - 1) * perPage, page * perPage);
  const link = (p: number): string => {
    const url = new URL(requestUrl);
    url.searchParams.set("page", String(p));
    url.searchParams.set("per_page", String(perPage));
    return url.toString();
  };
  const links: string[] = [];
  if (page > 1) links.push(`<${link(Math.min(page - 1, totalPages))}>; rel="prev"`);
  if (page < totalPages) links.push(`<${link(page + 1)}>; rel="next"`);
  links.push(`<${link(1)}>; rel="first"`, `<${link(totalPages)}>; rel="last"`);
  return {
    slice,
    headers: {
      "Link": links.join(", "),
      "X-Next-Page": page < totalPages ? String(page + 1) : "",
      "X-Page": String(page),
      "X-Per-Page": String(perPage),
      "X-Prev-Page": page > 1 ? String(page - 1) : "",
      "X-Total": String(total),
      "X-Total-Pages": String(totalPages),
    },
  };
}
