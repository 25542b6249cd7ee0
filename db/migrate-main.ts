// `npm run db:migrate`: apply migrations to DATABASE_URL (or the embedded database).
import { getEnv } from "@/lib/env";
import { openDatabase } from "./client";
import { runMigrations } from "./migrate";
import { startupFailure } from "@/lib/startup";

async function main() {
  const env = getEnv();
  const handle = await openDatabase(env.DATABASE_URL ? { url: env.DATABASE_URL, max: 1 } : { dataDir: `${env.DATA_DIR}/pglite`, migrate: false });
  await runMigrations(handle);
  await handle.close();
  console.log(`migrations applied (${handle.kind})`);
}

main().catch(startupFailure);
