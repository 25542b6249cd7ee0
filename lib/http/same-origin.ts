import { getEnv } from "@/lib/env";
import { AppError } from "./app-error";

/**
 * Cross-site request forgery guard for cookie-authenticated route handlers that change state
 * (issue 13). The session cookie rides along with any request a browser sends, including a form
 * or a `text/plain` fetch from another site ("simple" requests that skip CORS preflight), so:
 * - the request must come from our own origin: `Sec-Fetch-Site: same-origin` when the browser
 *   sends it, else an `Origin` equal to APP_URL's (or to the request's own) origin. No header at all
 *   is refused: every browser sends at least `Origin` on a POST;
 * - the body must be declared JSON, which a cross-site page cannot send without a CORS preflight
 *   that we never answer.
 * Server actions are not route handlers: Next checks their Origin against the Host itself
 * (https://nextjs.org/docs/app/guides/data-security#built-in-server-actions-security-features).
 */
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export function isStateChanging(req: Request): boolean {
  return !SAFE_METHODS.has(req.method.toUpperCase());
}

function allowedOrigins(req: Request): Set<string> {
  const origins = new Set<string>([new URL(req.url).origin]);
  try {
    origins.add(new URL(getEnv().APP_URL).origin);
  } catch {
    // without a parsable configuration only the request's own origin counts
  }
  return origins;
}

export function assertSameOrigin(req: Request): void {
  const site = req.headers.get("sec-fetch-site");
  const origin = req.headers.get("origin");
  if (site !== null) {
    if (site !== "same-origin") throw new AppError("cross_site_request", 403, "This request must come from the app itself.");
  } else if (origin === null || !allowedOrigins(req).has(origin)) {
    throw new AppError("cross_site_request", 403, "This request must come from the app itself.");
  }
  // With Sec-Fetch-Site, a present Origin must agree too (a proxy may strip one but not forge both).
  if (site !== null && origin !== null && !allowedOrigins(req).has(origin)) {
    throw new AppError("cross_site_request", 403, "This request must come from the app itself.");
  }
}

export function assertJsonBody(req: Request): void {
  const type = (req.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  if (type !== "application/json") throw new AppError("unsupported_media_type", 415, "Send the body as JSON (Content-Type: application/json).");
}
