import { describe, expect, it } from "vitest";
import { mapBounded, RateGate } from "./pacing";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("mapBounded", () => {
  it("never has more than `limit` calls in flight, and keeps the input order", async () => {
    let inFlight = 0;
    let peak = 0;
    const out = await mapBounded([5, 1, 4, 2, 3, 6, 7], 3, async (n) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await sleep(n * 3);
      inFlight--;
      return n * 10;
    });
    expect(out).toEqual([50, 10, 40, 20, 30, 60, 70]);
    expect(peak).toBe(3);
  });

  it("stops starting new work after a failure and rethrows it", async () => {
    const started: number[] = [];
    await expect(
      mapBounded([1, 2, 3, 4, 5, 6], 2, async (n) => {
        started.push(n);
        await sleep(5);
        if (n === 2) throw new Error("boom");
        return n;
      }),
    ).rejects.toThrow("boom");
    expect(started.length).toBeLessThan(6);
  });

  it("handles an empty list", async () => {
    expect(await mapBounded([], 4, async () => 1)).toEqual([]);
  });
});

describe("RateGate", () => {
  it("a pause (Retry-After) holds every caller until it ends", async () => {
    const gate = new RateGate();
    const t0 = Date.now();
    void gate.pause(120);
    await gate.ready();
    expect(Date.now() - t0).toBeGreaterThanOrEqual(110);
  });

  it("a shorter pause never shortens a longer one", async () => {
    const gate = new RateGate();
    const t0 = Date.now();
    void gate.pause(150);
    await gate.pause(10);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(140);
  });
});
