// Test entry: the app's server side in one process, outside Next: the web process's boot (what
// instrumentation.ts runs, here with the worker in-process) and the real webhook route handler on
// APP_PORT. The outage test (lib/webhook-installations/outage.int.test.ts) stops and restarts it on the same
// database, as a deploy or a crash would.
import { createServer } from "node:http";
import { POST } from "@/app/api/gitlab/webhook/route";
import { bootWebProcess } from "@/lib/boot";

await bootWebProcess();
const port = Number(process.env.APP_PORT);
const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (c: Buffer) => chunks.push(c));
  req.on("end", () => {
    if (req.method !== "POST" || req.url !== "/api/gitlab/webhook") {
      res.writeHead(404).end();
      return;
    }
    const headers = new Headers();
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers.set(k, v);
    POST(new Request(`http://127.0.0.1:${port}${req.url}`, { method: "POST", headers, body: Buffer.concat(chunks) }))
      .then(async (response) => {
        res.writeHead(response.status, { "content-type": "application/json" });
        res.end(await response.text());
      })
      .catch((err: unknown) => {
        res.writeHead(500).end(String(err));
      });
  });
});
server.listen(port, "127.0.0.1", () => process.stdout.write(`app listening on ${port}\n`));
