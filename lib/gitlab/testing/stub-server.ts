import http from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A tiny scripted HTTP server for unit tests of the GitLab client: each request is recorded and
 * answered by `respond`. Bound to 127.0.0.1 on a free port; close() when done.
 */
export interface StubRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface StubResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface StubServer {
  url: string;
  requests: StubRequest[];
  close(): Promise<void>;
}

export async function startStubServer(respond: (req: StubRequest, index: number) => StubResponse | Promise<StubResponse>): Promise<StubServer> {
  const requests: StubRequest[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      const recorded: StubRequest = { method: req.method ?? "GET", path: url.pathname, query: url.searchParams, headers: req.headers, body: Buffer.concat(chunks).toString("utf8") };
      requests.push(recorded);
      Promise.resolve(respond(recorded, requests.length - 1)).then(
        (r) => {
          const text = r.body === undefined ? "" : typeof r.body === "string" ? r.body : JSON.stringify(r.body);
          const type = typeof r.body === "string" ? "text/plain; charset=utf-8" : "application/json";
          res.writeHead(r.status, { "content-type": type, ...r.headers });
          res.end(r.status === 204 ? undefined : text);
        },
        (err: unknown) => {
          res.writeHead(500, { "content-type": "text/plain" });
          res.end(String(err));
        },
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A local URL on which nothing listens (ports below 1024 are "bad ports" to fetch, so not those). */
export async function closedPortUrl(): Promise<string> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}
