import type { DbHandle } from "@/db/client";
import { log } from "@/lib/log";

const CHANNEL = "conversation_events";

type Listener = (seq: number) => void;

interface Bus {
  listeners: Map<string, Set<Listener>>;
  /** resolves once this process is LISTENing */
  ready: Promise<void>;
}

/**
 * One LISTEN per database handle (per process), fanned out in memory to every open stream. On
 * Postgres, postgres.js keeps a dedicated listening connection and re-LISTENs after a reconnect;
 * notifications sent while it was down are lost, so on every (re)connect all listeners are woken
 * with seq 0 and re-read from the database. PGlite delivers NOTIFY to its own listeners, which is
 * what the in-process worker and the web requests share.
 */
const buses = new WeakMap<object, Bus>();

function busFor(handle: DbHandle): Bus {
  const key = handle.kind === "postgres" ? handle.sql : handle.pglite;
  let bus = buses.get(key);
  if (bus) return bus;
  const listeners = new Map<string, Set<Listener>>();
  const dispatch = (payload: string) => {
    const at = payload.lastIndexOf(":");
    const id = payload.slice(0, at);
    const seq = Number(payload.slice(at + 1));
    if (!id || !Number.isInteger(seq)) return;
    for (const l of listeners.get(id) ?? []) safely(l, seq);
  };
  const wakeAll = () => {
    for (const set of listeners.values()) for (const l of set) safely(l, 0);
  };
  const ready =
    handle.kind === "postgres"
      ? handle.sql.listen(CHANNEL, dispatch, wakeAll).then(() => undefined)
      : handle.pglite.listen(CHANNEL, dispatch).then(() => undefined);
  bus = { listeners, ready };
  buses.set(key, bus);
  ready.catch((err: unknown) => {
    // Let the next subscriber try again rather than keeping a broken bus.
    log.warn("conversation events LISTEN failed", { err });
    buses.delete(key);
  });
  return bus;
}

function safely(l: Listener, seq: number) {
  try {
    l(seq);
  } catch (err) {
    log.warn("conversation events listener threw", { err });
  }
}

/**
 * Call `onSeq` whenever an event is appended to the conversation (seq 0 means "something may have
 * been missed, re-read"). Resolves once listening, so a caller that reads the database afterwards
 * cannot miss an event committed in between. Returns the unsubscribe function.
 */
export async function subscribe(handle: DbHandle, conversationId: string, onSeq: Listener): Promise<() => void> {
  const bus = busFor(handle);
  let set = bus.listeners.get(conversationId);
  if (!set) bus.listeners.set(conversationId, (set = new Set()));
  set.add(onSeq);
  const unsubscribe = () => {
    const current = bus.listeners.get(conversationId);
    current?.delete(onSeq);
    if (current?.size === 0) bus.listeners.delete(conversationId);
  };
  try {
    await bus.ready;
  } catch (err) {
    unsubscribe();
    throw err;
  }
  return unsubscribe;
}
