// Child process for the cross-process refresh race test (tokens.int.test.ts): opens its own pool on
// the test database, waits for the shared start time, calls getAccessToken CALLS times at once and
// prints one JSON line with the sha256 of each token it got (never the tokens themselves).
import crypto from "node:crypto";
import { z } from "zod";
import { openDatabase } from "@/db/client";
import { createCipherKit } from "@/lib/crypto";
import { getAccessToken } from "../tokens";

const env = z
  .object({
    RACE_DATABASE_URL: z.string(),
    RACE_USER_ID: z.string().uuid(),
    RACE_OAUTH: z.string(),
    RACE_CIPHER_KEY: z.string(),
    RACE_CALLS: z.coerce.number().int().positive(),
    RACE_START_AT: z.coerce.number(),
  })
  .parse(process.env);

const oauth = z.object({ baseUrl: z.string(), clientId: z.string(), clientSecret: z.string(), redirectUri: z.string() }).parse(JSON.parse(env.RACE_OAUTH));
const cipher = createCipherKit({ current: env.RACE_CIPHER_KEY });
const handle = await openDatabase({ url: env.RACE_DATABASE_URL, max: 5 });
try {
  await new Promise((r) => setTimeout(r, Math.max(0, env.RACE_START_AT - Date.now())));
  const settled = await Promise.allSettled(Array.from({ length: env.RACE_CALLS }, () => getAccessToken(handle.db, env.RACE_USER_ID, { oauth, cipher })));
  const out = settled.map((s) => (s.status === "fulfilled" ? { sha: crypto.createHash("sha256").update(s.value).digest("hex") } : { error: s.reason instanceof Error ? `${s.reason.name}: ${s.reason.message}` : String(s.reason) }));
  process.stdout.write(`RESULT ${JSON.stringify(out)}\n`);
} finally {
  await handle.close();
}
