import crypto from "node:crypto";
import { advisoryXactLock, tryAdvisoryXactLock } from "@/db/advisory-locks";
import type { Database } from "@/db/client";

/**
 * Cross-process locks for webhook work, so two workers (or a worker and a Reinstall click) never
 * install on the same resource at once, and one user never runs two reinstalls at once.
 *
 * - Postgres: transaction-scoped advisory locks (`pg_try_advisory_xact_lock`). The work runs inside
 *   that transaction and receives it as its `db`, so it never needs a second pool connection while
 *   holding the lock, and a crashed process releases the lock with its connection.
 * - PGlite: one process owns the database file by construction, so an in-process lock is the whole
 *   story. (A PGlite transaction would block every other query of the app while GitLab answers.)
 */

export type LockMode = "try" | "wait";
export interface LockRequest {
  key: string;
  mode: LockMode;
}

/** Returned instead of running the work when a `try` lock is held by someone else. */
export const BUSY: unique symbol = Symbol("lock busy");
export type Busy = typeof BUSY;

/** How long a `wait` lock waits before giving up (seconds). */
const WAIT_SECONDS = 30;

function isPostgres(db: Database): boolean {
  const client = (db as unknown as { $client?: unknown }).$client;
  return typeof client === "function" && "reserve" in client;
}

/** A signed 64-bit key from the lock name (advisory locks take bigint). */
export function lockKey(name: string): string {
  return crypto.createHash("sha256").update(name).digest().readBigInt64BE(0).toString();
}

export async function withLocks<T>(db: Database, locks: LockRequest[], fn: (db: Database) => Promise<T>): Promise<T | Busy> {
  return isPostgres(db) ? withAdvisoryLocks(db, locks, fn) : withLocalLocks(db, locks, fn);
}

async function withAdvisoryLocks<T>(db: Database, locks: LockRequest[], fn: (db: Database) => Promise<T>): Promise<T | Busy> {
  return db.transaction(async (tx) => {
    for (const lock of locks) {
      const key = lockKey(lock.key);
      if (lock.mode === "try") {
        if (!(await tryAdvisoryXactLock(tx, key))) return BUSY;
      } else {
        await advisoryXactLock(tx, key, WAIT_SECONDS);
      }
    }
    return fn(tx as unknown as Database);
  });
}

// Per database object: separate PGlite databases (tests) never share locks.
const held = new WeakMap<object, Map<string, Promise<void>>>();

async function withLocalLocks<T>(db: Database, locks: LockRequest[], fn: (db: Database) => Promise<T>): Promise<T | Busy> {
  let table = held.get(db);
  if (!table) held.set(db, (table = new Map()));
  const releases: (() => void)[] = [];
  try {
    for (const lock of locks) {
      if (lock.mode === "try" && table.has(lock.key)) return BUSY;
      const deadline = Date.now() + WAIT_SECONDS * 1000;
      while (table.has(lock.key)) {
        const current = table.get(lock.key);
        const remaining = deadline - Date.now();
        if (remaining <= 0) throw new Error(`timed out waiting for lock ${lock.key}`);
        await Promise.race([current, new Promise((r) => setTimeout(r, remaining))]);
      }
      let release!: () => void;
      const promise = new Promise<void>((r) => (release = r));
      table.set(lock.key, promise);
      const t = table;
      releases.push(() => {
        if (t.get(lock.key) === promise) t.delete(lock.key);
        release();
      });
    }
    return await fn(db);
  } finally {
    for (const release of releases.reverse()) release();
  }
}

export const resourceLock = (baseUrl: string, type: string, id: number): string => `hooks:resource:${baseUrl}:${type}:${id}`;
export const reinstallLock = (userId: string): string => `hooks:reinstall:${userId}`;
