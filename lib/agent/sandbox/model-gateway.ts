import { randomBytes } from "node:crypto";
import http from "node:http";
import https from "node:https";

/**
 * The model endpoint's key never enters the sandbox. Each run's agent CLI gets a random placeholder
 * key and a plain-HTTP base URL on a virtual host that only the run's proxy (proxy.ts) knows; the proxy
 * forwards those requests to the real AGENT_MODEL_BASE_URL (http or https) and swaps the placeholder
 * for the real key on the way out. Whatever the agent or its commands read (/proc/<pid>/environ, the
 * CLI's config file) is the placeholder: worthless outside this run's proxy, which closes with the run.
 * A command the agent runs can still use the model through the proxy (as the agent itself can), never
 * carry the key away.
 */
export const MODEL_GATEWAY_HOST = "model.openhands.internal";

export interface ModelGateway {
  /** The real endpoint (AGENT_MODEL_BASE_URL): where requests to the virtual host go. */
  upstream: string;
  /** The per-run value the CLI holds instead of the key. */
  placeholder: string;
  /** The real key; undefined for a keyless endpoint (the placeholder then goes through unchanged). */
  key?: string;
}

/** A fresh placeholder: 128 random bits, so no other run's (or a guessed) value is ever swapped. */
export function newPlaceholderKey(): string {
  return `ohk-model-${randomBytes(16).toString("hex")}`;
}

/** The base URL a sandboxed CLI is given: the virtual host, over plain HTTP, with the real URL's path. */
export function gatewayBaseUrl(realBaseUrl: string): string {
  const real = new URL(realBaseUrl);
  const path = real.pathname === "/" ? "" : real.pathname.replace(/\/+$/, "");
  return `http://${MODEL_GATEWAY_HOST}${path}`;
}

const HOP_BY_HOP = new Set(["connection", "proxy-connection", "keep-alive", "proxy-authorization", "proxy-authenticate", "te", "trailer", "transfer-encoding", "upgrade", "host"]);

function swap(value: string, gateway: ModelGateway, encode: (s: string) => string): string {
  if (gateway.key === undefined || !value.includes(gateway.placeholder)) return value;
  return value.split(gateway.placeholder).join(encode(gateway.key));
}

/**
 * The request headers sent upstream: hop-by-hop ones dropped (Host is the upstream's), and every
 * occurrence of the placeholder in a value (Authorization: Bearer, x-api-key, x-goog-api-key, …)
 * replaced by the key. Nothing else is added: a request without the placeholder gets no key.
 */
export function upstreamHeaders(headers: http.IncomingHttpHeaders, gateway: ModelGateway): http.OutgoingHttpHeaders {
  const out: http.OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (HOP_BY_HOP.has(name) || value === undefined) continue;
    out[name] = Array.isArray(value) ? value.map((v) => swap(v, gateway, (k) => k)) : swap(value, gateway, (k) => k);
  }
  return out;
}

/**
 * The upstream URL for a request to the virtual host: the real endpoint's origin with the request's
 * path and query (the CLI was given the real path), the placeholder in the query (Gemini's `?key=`)
 * replaced by the URL-encoded key.
 */
export function upstreamUrl(pathAndQuery: string, gateway: ModelGateway): URL | null {
  // Only a path: an absolute URL ("http://elsewhere/") or a scheme-relative one ("//elsewhere/") would
  // otherwise carry the key to a host of the agent's choosing. Appended to the origin as text, "//x" is
  // a path on the real endpoint; anything that still lands elsewhere is refused.
  if (!pathAndQuery.startsWith("/")) return null;
  const origin = new URL(gateway.upstream).origin;
  const url = new URL(`${origin}${swap(pathAndQuery, gateway, encodeURIComponent)}`);
  return url.origin === origin ? url : null;
}

/**
 * Forwards one request of the agent to the real endpoint. Bodies are piped both ways without
 * buffering: a streamed (SSE) answer reaches the CLI chunk by chunk.
 */
export function forwardToModel(req: http.IncomingMessage, res: http.ServerResponse, pathAndQuery: string, gateway: ModelGateway): void {
  const url = upstreamUrl(pathAndQuery, gateway);
  if (url === null) {
    res.writeHead(400, { "content-type": "text/plain" }).end("The model gateway forwards paths only (origin-form requests).\n");
    return;
  }
  const client = url.protocol === "https:" ? https : http;
  const upstream = client.request(url, { method: req.method, headers: upstreamHeaders(req.headers, gateway) }, (up) => {
    const out: http.OutgoingHttpHeaders = {};
    for (const [name, value] of Object.entries(up.headers)) if (!HOP_BY_HOP.has(name) && value !== undefined) out[name] = value;
    res.writeHead(up.statusCode ?? 502, up.statusMessage, out);
    res.flushHeaders();
    up.pipe(res);
  });
  upstream.on("error", (err) => {
    // The message names the real endpoint's error, never the key (it is only in headers and the query).
    if (!res.headersSent) res.writeHead(502, { "content-type": "text/plain" }).end(`Model endpoint error: ${err.message.split(gateway.key ?? "\0").join("[key]")}\n`);
    else res.destroy();
  });
  res.on("close", () => { if (!res.writableFinished) upstream.destroy(); });
  req.pipe(upstream);
}
