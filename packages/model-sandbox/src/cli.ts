// `npm run model-sandbox -- [--port 0] [--host 127.0.0.1] [--api-key KEY] [--mode ok|fail|stall]`
// Prints one JSON line ({"url","baseUrl","mode"}), then serves until SIGINT/SIGTERM. Point Codex at
// `baseUrl` (AGENT_MODEL_BASE_URL); switch modes with POST /-/sandbox/mode {"mode":"fail"}.
import { serveUntilSignal } from "./serve-until-signal";
import { parseArgs } from "node:util";
import { z } from "zod";
import { modelSandboxModeSchema, startModelSandbox } from "./index";

const Args = z.object({
  port: z.coerce.number().int().min(0).max(65535).default(0),
  host: z.string().default("127.0.0.1"),
  "api-key": z.string().min(1).optional(),
  mode: modelSandboxModeSchema.default("ok"),
});

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { port: { type: "string" }, host: { type: "string" }, "api-key": { type: "string" }, mode: { type: "string" } },
    strict: true,
  });
  const args = Args.parse(values);
  const sandbox = await startModelSandbox({ port: args.port, host: args.host, apiKey: args["api-key"], mode: args.mode });
  serveUntilSignal({ url: sandbox.url, baseUrl: sandbox.baseUrl, mode: args.mode }, () => sandbox.close());
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
