import { eq, sql } from "drizzle-orm";
import type { Database } from "@/db/client";
import { gitlabConnections, type ConnectionStatus, type GitlabConnection } from "@/db/schema";
import { log } from "@/lib/log";

/**
 * Queries on gitlab_connections, one row per user. The token columns only ever hold the AES-GCM
 * envelopes that lib/gitlab/tokens.ts builds: nothing here encrypts or decrypts, and nothing here
 * should be handed a plaintext token.
 */

export interface ConnectionSummary {
  id: string;
  baseUrl: string;
  username: string;
  gitlabUserId: number;
  status: ConnectionStatus;
  scopes: string[];
  expiresAt: Date | null;
}

/** The columns a sign-in writes; the token columns are envelopes already. */
export interface ConnectionValues {
  baseUrl: string;
  gitlabUserId: number;
  username: string;
  accessTokenEnc: string;
  refreshTokenEnc: string | null;
  expiresAt: Date | null;
  scopes: string;
  status: "active";
  lastError: null;
  updatedAt: Date;
}

/** Creates or replaces the user's connection (one per user). */
export async function upsertConnection(db: Database, userId: string, values: ConnectionValues): Promise<{ id: string }> {
  const [row] = await db
    .insert(gitlabConnections)
    .values({ userId, ...values })
    // A new sign-in replaces the pair; bumping the generation tells holders of the old pair.
    .onConflictDoUpdate({ target: gitlabConnections.userId, set: { ...values, refreshGeneration: sql`${gitlabConnections.refreshGeneration} + 1` } })
    .returning({ id: gitlabConnections.id });
  if (!row) throw new Error("saveConnection: upsert returned no row");
  return row;
}

export async function getConnectionSummary(db: Database, userId: string): Promise<ConnectionSummary | null> {
  const [row] = await db
    .select({
      id: gitlabConnections.id,
      baseUrl: gitlabConnections.baseUrl,
      username: gitlabConnections.username,
      gitlabUserId: gitlabConnections.gitlabUserId,
      status: gitlabConnections.status,
      scopes: gitlabConnections.scopes,
      expiresAt: gitlabConnections.expiresAt,
    })
    .from(gitlabConnections)
    .where(eq(gitlabConnections.userId, userId))
    .limit(1);
  if (!row) return null;
  return { ...row, scopes: row.scopes.split(/\s+/).filter(Boolean) };
}

/** The user's whole connection row (token envelopes included), or null. No lock. */
export async function getConnection(db: Database, userId: string): Promise<GitlabConnection | null> {
  const [row] = await db.select().from(gitlabConnections).where(eq(gitlabConnections.userId, userId)).limit(1);
  return row ?? null;
}

/**
 * The connection row under `SELECT … FOR UPDATE`: call it inside a transaction. It blocks while
 * another transaction refreshes this connection, and then returns that transaction's result.
 * `connectionId` comes from the user's own row (getConnection), read just before.
 */
export async function lockConnection(tx: Database, connectionId: string): Promise<GitlabConnection | null> {
  const [row] = await tx.select().from(gitlabConnections).where(eq(gitlabConnections.id, connectionId)).for("update");
  return row ?? null;
}

/**
 * Marks a connection as needing re-authorisation, by its owner or (inside the refresh transaction,
 * on the row lockConnection holds) by its id; returns its id, or null when there is none.
 */
export async function markNeedsReauth(db: Database, which: { userId: string } | { connectionId: string }, reason: string): Promise<string | null> {
  const rows = await db
    .update(gitlabConnections)
    .set({ status: "needs_reauth", lastError: reason, updatedAt: new Date() })
    .where("userId" in which ? eq(gitlabConnections.userId, which.userId) : eq(gitlabConnections.id, which.connectionId))
    .returning({ id: gitlabConnections.id });
  if (rows[0]) log.warn("gitlab connection needs re-authorisation", { connectionId: rows[0].id, reason });
  return rows[0]?.id ?? null;
}

/** What a refresh writes: the new envelopes and the generation after this rotation. */
export interface RefreshedConnection {
  accessTokenEnc: string;
  refreshTokenEnc: string;
  expiresAt: Date | null;
  /** absent when GitLab did not say: the stored scopes stay */
  scopes?: string;
  refreshGeneration: number;
}

/** Stores a rotated pair on the row locked by lockConnection (inside its transaction). */
export async function saveRefreshedConnection(tx: Database, connectionId: string, refreshed: RefreshedConnection): Promise<void> {
  await tx
    .update(gitlabConnections)
    .set({
      accessTokenEnc: refreshed.accessTokenEnc,
      refreshTokenEnc: refreshed.refreshTokenEnc,
      expiresAt: refreshed.expiresAt,
      ...(refreshed.scopes !== undefined ? { scopes: refreshed.scopes } : {}),
      refreshGeneration: refreshed.refreshGeneration,
      lastRefreshedAt: new Date(),
      lastError: null,
      updatedAt: new Date(),
    })
    .where(eq(gitlabConnections.id, connectionId));
}

/** Every active connection (user and instance): the periodic webhook sync filters by instance. */
export async function listActiveConnections(db: Database): Promise<{ userId: string; baseUrl: string }[]> {
  return db
    .select({ userId: gitlabConnections.userId, baseUrl: gitlabConnections.baseUrl })
    .from(gitlabConnections)
    .where(eq(gitlabConnections.status, "active"));
}
