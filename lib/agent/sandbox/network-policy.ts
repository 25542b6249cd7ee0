import { isIP } from "node:net";

/**
 * The network allow-list of a sandboxed run. Inside the sandbox there is no network at all (its own
 * network namespace has only its own loopback); the only way out is the run's HTTP proxy, which lets a
 * connection through only when its host and port match one of these patterns:
 *
 * - `host:port` — exactly that host and port (`gitlab.example.com:443`, `127.0.0.1:8929`);
 * - `host` — that host on ports 80 and 443 only, so allowing a name never opens its other services;
 * - `*.domain` — any subdomain of `domain` (not `domain` itself), with the same port rules;
 * - `host:*` — every port of that host (an operator's explicit choice).
 *
 * Matching is on the name the agent asked for, never on what it resolves to: `127.0.0.1:5432` is
 * refused unless that exact pair is listed, even when GitLab itself listens on 127.0.0.1 (the demo).
 */
export interface AllowPattern {
  host: string;
  /** true = any subdomain of `host` (not `host` itself). */
  wildcard: boolean;
  /** "default" = 80 and 443; "any" = every port. */
  port: number | "default" | "any";
}

const HOST_LABEL = /^[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?$/;

export class NetworkPatternError extends Error {
  override name = "NetworkPatternError";
}

/** Lower-cases, strips IPv6 brackets and a trailing root dot. */
export function normalizeHost(host: string): string {
  return host.trim().toLowerCase().replace(/^\[(.*)\]$/, "$1").replace(/\.$/, "");
}

function validHost(host: string): boolean {
  if (isIP(host) !== 0) return true;
  return host.length <= 253 && host.split(".").every((label) => HOST_LABEL.test(label));
}

export function parseAllowPattern(raw: string): AllowPattern {
  const text = raw.trim();
  let hostPart = text;
  let portPart: string | null = null;
  const bracketed = /^\[([^\]]+)\](?::(.+))?$/.exec(text);
  if (bracketed) {
    hostPart = bracketed[1] ?? "";
    portPart = bracketed[2] ?? null;
  } else if ((text.match(/:/g) ?? []).length === 1) {
    const at = text.lastIndexOf(":");
    hostPart = text.slice(0, at);
    portPart = text.slice(at + 1);
  }
  const wildcard = hostPart.startsWith("*.");
  const host = normalizeHost(wildcard ? hostPart.slice(2) : hostPart);
  if (host === "" || !validHost(host)) throw new NetworkPatternError(`"${raw}" is not a host, host:port or *.domain pattern`);
  let port: AllowPattern["port"] = "default";
  if (portPart === "*") port = "any";
  else if (portPart !== null) {
    const n = Number(portPart);
    if (!Number.isInteger(n) || n < 1 || n > 65535) throw new NetworkPatternError(`"${raw}" has an invalid port (1-65535 or *)`);
    port = n;
  }
  return { host, wildcard, port };
}

/** `host:port` of an http(s) URL, the port made explicit (80/443 by scheme). */
export function urlHostPort(url: string): string {
  const u = new URL(url);
  const port = u.port !== "" ? u.port : u.protocol === "https:" ? "443" : "80";
  const host = u.hostname.includes(":") ? `[${u.hostname.replace(/^\[|\]$/g, "")}]` : u.hostname;
  return `${host}:${port}`;
}

export function isAllowed(patterns: readonly AllowPattern[], host: string, port: number): boolean {
  const h = normalizeHost(host);
  return patterns.some((p) => {
    const hostMatches = p.wildcard ? h.endsWith(`.${p.host}`) : h === p.host;
    if (!hostMatches) return false;
    if (p.port === "any") return true;
    if (p.port === "default") return port === 80 || port === 443;
    return port === p.port;
  });
}

/** Parses a comma/space separated list (AGENT_NETWORK_ALLOW); throws on the first bad entry. */
export function parseAllowList(list: string | undefined): string[] {
  const entries = (list ?? "").split(/[\s,]+/).filter((e) => e !== "");
  for (const e of entries) parseAllowPattern(e);
  return entries;
}
