import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { openDatabase, DatabaseUnavailableError } from "./client";
import { users, webhookDeliveries } from "./schema";
import { createTestDatabase } from "@/lib/testing/db";

describe("database client", () => {
  it("keeps embedded (PGlite) data across a restart", async () => {
    const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "pglite-")), "nested", "pglite");
    const first = await openDatabase({ dataDir: dir });
    await first.db.insert(users).values({ gitlabBaseUrl: "https://gitlab.example.com", gitlabUserId: 7, username: "ada", name: "Ada" });
    await first.close();
    const second = await openDatabase({ dataDir: dir });
    const rows = await second.db.select().from(users).where(eq(users.username, "ada"));
    expect(rows).toHaveLength(1);
    await second.close();
  });

  it("enforces the idempotency key's uniqueness", async () => {
    const tdb = await createTestDatabase();
    try {
      await tdb.handle.db.insert(webhookDeliveries).values({ idempotencyKey: "k1", event: "Issue Hook" });
      await expect(tdb.handle.db.insert(webhookDeliveries).values({ idempotencyKey: "k1", event: "Issue Hook" })).rejects.toThrow();
      const inserted = await tdb.handle.db
        .insert(webhookDeliveries)
        .values({ idempotencyKey: "k1", event: "Issue Hook" })
        .onConflictDoNothing()
        .returning();
      expect(inserted).toHaveLength(0);
    } finally {
      await tdb.close();
    }
  });

  it("reports an unreachable Postgres in one actionable line", async () => {
    const err = await openDatabase({ url: "postgres://nobody@127.0.0.1:1/none" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DatabaseUnavailableError);
    expect((err as Error).message).toMatch(/^Cannot connect to the database at postgres:\/\/nobody@127\.0\.0\.1:1\/none: .*Check DATABASE_URL/);
    expect((err as Error).message).not.toContain("\n");
  });
});
