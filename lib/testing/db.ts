import crypto from "node:crypto";
import postgres from "postgres";
import { openDatabase, type DbHandle } from "@/db/client";

export type TestDbKind = "pglite" | "postgres";

/** Which database the integration run targets (scripts/test-all.mjs runs the suite once per kind). */
export function testDbKind(): TestDbKind {
  return process.env.TEST_DB === "postgres" ? "postgres" : "pglite";
}

export interface TestDatabase {
  handle: DbHandle;
  kind: TestDbKind;
  /** set for Postgres: a URL other processes (workers) can connect to */
  url?: string;
  close(): Promise<void>;
}

function adminUrl(): string {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) throw new Error("TEST_DB=postgres needs TEST_DATABASE_URL, e.g. postgres://postgres@127.0.0.1:5432/test");
  return url;
}

/**
 * A fresh, migrated database for one test file: an in-memory PGlite, or a brand-new Postgres
 * database created next to TEST_DATABASE_URL and dropped afterwards. Nothing is shared between
 * files, so they can run in parallel and never see each other's rows.
 */
export async function createTestDatabase(kind: TestDbKind = testDbKind()): Promise<TestDatabase> {
  if (kind === "pglite") {
    const handle = await openDatabase({ dataDir: "memory", migrate: true });
    return { handle, kind, close: () => handle.close() };
  }
  const base = new URL(adminUrl());
  const name = `t_${crypto.randomBytes(6).toString("hex")}`;
  const admin = postgres(base.toString(), { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(base.toString());
  url.pathname = `/${name}`;
  const handle = await openDatabase({ url: url.toString(), migrate: true, max: 5 });
  return {
    handle,
    kind,
    url: url.toString(),
    async close() {
      await handle.close();
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end({ timeout: 5 });
    },
  };
}
