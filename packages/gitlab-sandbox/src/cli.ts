// `npm run sandbox -- --port 8929 [--host 127.0.0.1] [--seed file.json] [--public-url URL] [--token-ttl 7200]`
// Prints one JSON line with the base URL (and the seed result when --seed is given), then serves
// until SIGINT/SIGTERM.
import { serveUntilSignal } from "./serve-until-signal";
import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { z } from "zod";
import { startSandbox } from "./index";
import { applySeed } from "./seed";

const Args = z.object({
  port: z.coerce.number().int().min(0).max(65535).default(8929),
  host: z.string().default("127.0.0.1"),
  seed: z.string().optional(),
  "public-url": z.string().url().optional(),
  "token-ttl": z.coerce.number().int().min(1).optional(),
});

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { port: { type: "string" }, host: { type: "string" }, seed: { type: "string" }, "public-url": { type: "string" }, "token-ttl": { type: "string" } },
    strict: true,
  });
  const args = Args.parse(values);
  const sandbox = await startSandbox({ port: args.port, host: args.host, publicUrl: args["public-url"], accessTokenTtlSeconds: args["token-ttl"] });
  let seeded: unknown;
  if (args.seed) {
    try {
      seeded = await applySeed(sandbox.app, JSON.parse(await readFile(args.seed, "utf8")) as unknown);
    } catch (error) {
      await sandbox.close();
      throw error;
    }
  }
  serveUntilSignal(seeded === undefined ? { url: sandbox.url } : { url: sandbox.url, seed: seeded }, () => sandbox.close());
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
