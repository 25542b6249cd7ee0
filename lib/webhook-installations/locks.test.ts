import { describe, expect, it } from "vitest";
import type { Database } from "@/db/client";
import { BUSY, lockKey, withLocks } from "./locks";

// No $client with `reserve`: the in-process (PGlite) implementation.
const db = {} as Database;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("in-process locks (PGlite)", () => {
  it("`try` returns BUSY while the lock is held, and works again once released", async () => {
    let release!: () => void;
    const held = withLocks(db, [{ key: "a", mode: "try" }], () => new Promise<string>((r) => (release = () => r("first"))));
    await sleep(5);
    expect(await withLocks(db, [{ key: "a", mode: "try" }], async () => "second")).toBe(BUSY);
    expect(await withLocks(db, [{ key: "b", mode: "try" }], async () => "other key")).toBe("other key");
    release();
    expect(await held).toBe("first");
    expect(await withLocks(db, [{ key: "a", mode: "try" }], async () => "third")).toBe("third");
  });

  it("`wait` queues behind the holder; holders never overlap", async () => {
    let inside = 0;
    let peak = 0;
    const work = () =>
      withLocks(db, [{ key: "w", mode: "wait" }], async () => {
        inside++;
        peak = Math.max(peak, inside);
        await sleep(10);
        inside--;
      });
    await Promise.all([work(), work(), work()]);
    expect(peak).toBe(1);
  });

  it("releases the lock when the work throws", async () => {
    await expect(withLocks(db, [{ key: "t", mode: "try" }], async () => Promise.reject(new Error("x")))).rejects.toThrow("x");
    expect(await withLocks(db, [{ key: "t", mode: "try" }], async () => "ok")).toBe("ok");
  });

  it("a failed second `try` lock releases the first", async () => {
    let release!: () => void;
    const held = withLocks(db, [{ key: "y", mode: "try" }], () => new Promise<void>((r) => (release = r)));
    await sleep(5);
    expect(await withLocks(db, [{ key: "x", mode: "try" }, { key: "y", mode: "try" }], async () => "no")).toBe(BUSY);
    expect(await withLocks(db, [{ key: "x", mode: "try" }], async () => "x is free")).toBe("x is free");
    release();
    await held;
  });

  it("advisory lock keys are stable signed 64-bit integers", () => {
    const k = lockKey("hooks:reinstall:u1");
    expect(k).toBe(lockKey("hooks:reinstall:u1"));
    expect(k).not.toBe(lockKey("hooks:reinstall:u2"));
    const n = BigInt(k);
    expect(n >= -(2n ** 63n) && n < 2n ** 63n).toBe(true);
  });
});
