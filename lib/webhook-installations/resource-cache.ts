import type { Database } from "@/db/client";
import type { HookResource } from "./resources";
import type { HookSession } from "./session";

/**
 * Short-lived, per-process caches for the webhook table:
 * - the resource list (which groups and projects a user sees, and their roles) changes rarely and
 *   costs several pages of GitLab calls, so it is kept for a minute;
 * - a hook's existence is checked live on every page load, but concurrent or back-to-back loads
 *   (two tabs, a double click) share one check for a second.
 * Keyed per database object, so separate test databases never share entries.
 */

export const RESOURCES_TTL_MS = 60_000;
export const HOOK_CHECK_TTL_MS = 1_000;

interface Entry<T> {
  at: number;
  value: Promise<T>;
}

class TtlCache<T> {
  private readonly entries = new WeakMap<object, Map<string, Entry<T>>>();
  constructor(private readonly ttlMs: number) {}

  private table(db: object): Map<string, Entry<T>> {
    let t = this.entries.get(db);
    if (!t) this.entries.set(db, (t = new Map()));
    return t;
  }

  /** The cached value, or `load()`'s (shared by concurrent callers; failures are not cached). */
  get(db: object, key: string, load: () => Promise<T>, fresh = false): Promise<T> {
    const table = this.table(db);
    const hit = table.get(key);
    if (hit && !fresh && Date.now() - hit.at < this.ttlMs) return hit.value;
    const value = load();
    const entry = { at: Date.now(), value };
    table.set(key, entry);
    value.catch(() => {
      if (table.get(key) === entry) table.delete(key);
    });
    if (table.size > 5_000) for (const [k, e] of table) if (Date.now() - e.at >= this.ttlMs) table.delete(k);
    return value;
  }

  set(db: object, key: string, value: T): void {
    this.table(db).set(key, { at: Date.now(), value: Promise.resolve(value) });
  }

  delete(db: object, key: string): void {
    this.table(db).delete(key);
  }
}

const resourceCache = new TtlCache<HookResource[]>(RESOURCES_TTL_MS);
export interface HookCheck {
  state: "exists" | "gone" | "error";
  alertStatus: string | null;
  disabledUntil: Date | null;
}
export const hookCheckCache = new TtlCache<HookCheck>(HOOK_CHECK_TTL_MS);

const userKey = (session: Pick<HookSession, "userId" | "baseUrl">) => `${session.userId}@${session.baseUrl}`;

export function cachedResources(db: Database, session: HookSession, load: () => Promise<HookResource[]>, fresh = false): Promise<HookResource[]> {
  return resourceCache.get(db, userKey(session), load, fresh);
}

export function rememberResources(db: Database, session: HookSession, resources: HookResource[]): void {
  resourceCache.set(db, userKey(session), resources);
}
