import http from "node:http";
import net from "node:net";
import { isAllowed, normalizeHost, type AllowPattern } from "./network-policy";

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
  const server = http.createServer({ requestTimeout: 0, headersTimeout: 60_000 });
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
    if (!isAllowed(opts.allow, host, port)) {
      opts.onDenied(denyMessage(host, port));
      res.writeHead(403, { "content-type": "text/plain" }).end(`${denyMessage(host, port)}\n`);
      return;
    }
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
  });

  // Tunnels (https, and anything else a tool proxies with CONNECT).
  server.on("connect", (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    const target = parseAuthority(req.url ?? "");
    if (!target) {
      client.end("HTTP/1.1 400 Bad Request\r\n\r\n");
      return;
    }
    if (!isAllowed(opts.allow, target.host, target.port)) {
      opts.onDenied(denyMessage(target.host, target.port));
      client.end(`HTTP/1.1 403 Forbidden\r\ncontent-type: text/plain\r\n\r\n${denyMessage(target.host, target.port)}\n`);
      return;
    }
    const upstream = net.connect({ host: target.host, port: target.port });
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
  });
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
        server.close(() => resolve());
      }),
  };
}
