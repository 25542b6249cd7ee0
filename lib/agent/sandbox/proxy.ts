import { lookup as dnsLookup } from "node:dns/promises";
import http from "node:http";
import net from "node:net";
import { forwardToModel, MODEL_GATEWAY_HOST, type ModelGateway } from "./model-gateway";
import { allowedBy, normalizeHost, type AllowPattern } from "./network-policy";

/**
 * The run's only way out of its network namespace: an HTTP proxy (CONNECT for TLS and anything else
 * tunnelled, absolute-form requests for plain HTTP) listening on a unix socket that is bound into the
 * sandbox, where socat relays 127.0.0.1:PROXY_PORT to it. It runs in the worker, outside the
 * sandbox, and refuses every destination that the allow-list does not name (see network-policy.ts).
 * Tools find it through HTTP(S)_PROXY, which git (libcurl), curl, Codex (Rust reqwest), pip and npm
 * honour. A tool that ignores the variables simply has no network.
 */
export interface RunProxy {
  close(): Promise<void>;
}

export interface ProxyOptions {
  socketPath: string;
  allow: readonly AllowPattern[];
  /** Called with a one-line explanation for every refused destination (shown in the run's timeline). */
  onDenied(message: string): void;
  /**
   * The run's model endpoint behind the virtual host MODEL_GATEWAY_HOST (model-gateway.ts): plain-HTTP
   * requests to it go to the real endpoint with the placeholder key swapped for the real one.
   */
  modelGateway?: ModelGateway;
  /** Name resolution (tests replace it); defaults to the system's resolver. */
  lookup?: (host: string) => Promise<string>;
}

/**
 * Loopback, private, link-local (cloud metadata at 169.254.169.254), carrier-grade NAT, unspecified
 * and unique-local addresses, v4 and v6 (v4-mapped v6 addresses are checked as v4 by BlockList).
 */
const PRIVATE = new net.BlockList();
for (const [net4, prefix] of [["0.0.0.0", 8], ["10.0.0.0", 8], ["100.64.0.0", 10], ["127.0.0.0", 8], ["169.254.0.0", 16], ["172.16.0.0", 12], ["192.168.0.0", 16]] as const) PRIVATE.addSubnet(net4, prefix, "ipv4");
for (const [net6, prefix] of [["::", 128], ["::1", 128], ["fc00::", 7], ["fe80::", 10]] as const) PRIVATE.addSubnet(net6, prefix, "ipv6");

function isPrivateAddress(address: string): boolean {
  const family = net.isIP(address) === 6 ? "ipv6" : "ipv4";
  if (PRIVATE.check(address, family)) return true;
  // ::ffff:a.b.c.d written out: check the v4 address it carries.
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return mapped !== null && PRIVATE.check(mapped[1] ?? "", "ipv4");
}

async function systemLookup(host: string): Promise<string> {
  return (await dnsLookup(host)).address;
}

const HOP_BY_HOP = new Set(["connection", "proxy-connection", "keep-alive", "proxy-authorization", "proxy-authenticate", "te", "trailer", "transfer-encoding", "upgrade"]);

function denyMessage(host: string, port: number): string {
  return `[sandbox] blocked a connection to ${host}:${port}: not in the network allow-list (GitLab, the model endpoint and AGENT_NETWORK_ALLOW)`;
}

/** `host:port` of a CONNECT target; null when malformed. */
function parseAuthority(authority: string): { host: string; port: number } | null {
  const m = /^(\[[^\]]+\]|[^:\s]+):(\d{1,5})$/.exec(authority.trim());
  if (!m) return null;
  const port = Number(m[2]);
  if (port < 1 || port > 65535) return null;
  return { host: normalizeHost(m[1] ?? ""), port };
}

export async function startRunProxy(opts: ProxyOptions): Promise<RunProxy> {
  const sockets = new Set<net.Socket>();
  // Each refused destination is reported once per run: a retrying tool must not flood the timeline.
  const reported = new Set<string>();
  const denied = (host: string, port: number): string => {
    const message = denyMessage(host, port);
    if (!reported.has(`${host}:${port}`)) {
      reported.add(`${host}:${port}`);
      opts.onDenied(message);
    }
    return message;
  };
  const lookup = opts.lookup ?? systemLookup;
  /**
   * Where to connect for an allowed destination, or a refusal. A name allowed only by a `*.domain`
   * pattern is resolved HERE and must be public: anyone who can create a subdomain (or run the
   * domain's DNS) could otherwise point it at 127.0.0.1 or the cloud metadata address and reach the
   * worker's own services through an allowed name. We then connect to the address we checked, so a
   * second resolution cannot answer differently (DNS rebinding). Names the operator listed exactly
   * (GitLab, an internal mirror) may be private: that is the operator's choice.
   */
  const destination = async (host: string, port: number): Promise<{ address: string } | { refused: string }> => {
    const how = allowedBy(opts.allow, host, port);
    if (how === null) return { refused: denied(host, port) };
    if (how === "exact" || net.isIP(host) !== 0) return { address: host };
    const address = await lookup(host).catch(() => null);
    // Unresolvable now: refused, rather than letting the connection resolve it a second time.
    if (address === null) return { refused: `[sandbox] could not resolve ${host}` };
    if (isPrivateAddress(address)) {
      const message = `[sandbox] blocked a connection to ${host}:${port}: it resolves to a private address (${address}), which a *.domain pattern never allows`;
      if (!reported.has(`${host}:${port}`)) {
        reported.add(`${host}:${port}`);
        opts.onDenied(message);
      }
      return { refused: message };
    }
    return { address };
  };
  const server = http.createServer({ requestTimeout: 0, headersTimeout: 60_000 });
  const gateway = opts.modelGateway;
  // Requests arriving through a CONNECT tunnel to the virtual model host (origin-form: a path only).
  const gatewayServer = gateway ? http.createServer({ requestTimeout: 0, headersTimeout: 60_000 }, (req, res) => forwardToModel(req, res, req.url ?? "", gateway)) : null;
  gatewayServer?.on("clientError", (_err, socket: net.Socket) => socket.destroy());
  server.on("connection", (s: net.Socket) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });

  // Plain HTTP: "GET http://host:port/path HTTP/1.1" through the proxy.
  server.on("request", (req: http.IncomingMessage, res: http.ServerResponse) => {
    let target: URL;
    try {
      target = new URL(req.url ?? "");
    } catch {
      res.writeHead(400, { "content-type": "text/plain" }).end("The agent sandbox's proxy needs an absolute http:// URL.\n");
      return;
    }
    if (target.protocol !== "http:") {
      res.writeHead(400, { "content-type": "text/plain" }).end("Only http:// is forwarded; use CONNECT (https_proxy) for https.\n");
      return;
    }
    const host = normalizeHost(target.hostname);
    const port = target.port === "" ? 80 : Number(target.port);
    // The virtual model host exists only here: it is never resolved nor connected to as such.
    if (host === MODEL_GATEWAY_HOST) {
      if (opts.modelGateway && port === 80) forwardToModel(req, res, `${target.pathname}${target.search}`, opts.modelGateway);
      else res.writeHead(403, { "content-type": "text/plain" }).end(`${denied(host, port)}\n`);
      return;
    }
    void destination(host, port).then((dest) => {
      if ("refused" in dest) {
        res.writeHead(403, { "content-type": "text/plain" }).end(`${dest.refused}\n`);
        return;
      }
      forward(req, res, target, dest.address, port);
    });
  });

  const forward = (req: http.IncomingMessage, res: http.ServerResponse, target: URL, host: string, port: number): void => {
    const headers: http.OutgoingHttpHeaders = {};
    for (const [name, value] of Object.entries(req.headers)) if (!HOP_BY_HOP.has(name) && value !== undefined) headers[name] = value;
    const upstream = http.request({ host, port, method: req.method, path: `${target.pathname}${target.search}`, headers }, (up) => {
      const out: http.OutgoingHttpHeaders = {};
      for (const [name, value] of Object.entries(up.headers)) if (!HOP_BY_HOP.has(name) && value !== undefined) out[name] = value;
      res.writeHead(up.statusCode ?? 502, up.statusMessage, out);
      up.pipe(res);
    });
    upstream.on("error", (err) => {
      if (!res.headersSent) res.writeHead(502, { "content-type": "text/plain" }).end(`Upstream error: ${err.message}\n`);
      else res.destroy();
    });
    req.pipe(upstream);
  };

  // Tunnels (https, and anything else a tool proxies with CONNECT).
  server.on("connect", (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    const target = parseAuthority(req.url ?? "");
    if (!target) {
      client.end("HTTP/1.1 400 Bad Request\r\n\r\n");
      return;
    }
    client.on("error", () => undefined); // until the tunnel's own handler below
    // Some clients (undici's ProxyAgent: Gemini CLI) tunnel plain HTTP too. A tunnel to the virtual
    // model host ends HERE, in the gateway's own HTTP server, which swaps the key like the plain path;
    // it never becomes a raw connection to the endpoint (that would bypass the swap).
    if (target.host === MODEL_GATEWAY_HOST) {
      if (gatewayServer && target.port === 80) {
        client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
        if (head.length > 0) client.unshift(head);
        gatewayServer.emit("connection", client);
      } else client.end(`HTTP/1.1 403 Forbidden\r\ncontent-type: text/plain\r\n\r\n${denied(target.host, target.port)}\n`);
      return;
    }
    void destination(target.host, target.port).then((dest) => {
      if ("refused" in dest) {
        client.end(`HTTP/1.1 403 Forbidden\r\ncontent-type: text/plain\r\n\r\n${dest.refused}\n`);
        return;
      }
      tunnel(client, head, dest.address, target.port);
    });
  });

  const tunnel = (client: net.Socket, head: Buffer, host: string, port: number): void => {
    const upstream = net.connect({ host, port });
    sockets.add(upstream);
    upstream.on("close", () => sockets.delete(upstream));
    upstream.once("connect", () => {
      client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on("error", () => {
      if (client.writable && upstream.connecting) client.end("HTTP/1.1 502 Bad Gateway\r\n\r\n");
      else client.destroy();
    });
    client.on("error", () => upstream.destroy());
  };
  server.on("clientError", (_err, socket: net.Socket) => socket.destroy());

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.socketPath, () => {
      server.off("error", reject);
      resolve();
    });
  });

  return {
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        gatewayServer?.close();
        server.close(() => resolve());
      }),
  };
}
