import { describe, expect, it } from "vitest";
import { RateLimiter, processRateLimiter } from "./rate-limit";

function fakeClock(start = 1_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe("RateLimiter (token bucket per key)", () => {
  it("allows a burst of the full budget, then refuses with the seconds until the next token", () => {
    const clock = fakeClock();
    const limiter = new RateLimiter(3, clock.now);
    expect([1, 2, 3].map(() => limiter.consume("k").allowed)).toEqual([true, true, true]);
    const refused = limiter.consume("k");
    expect(refused).toMatchObject({ allowed: false, remaining: 0, limit: 3 });
    // 3 per minute: one token every 20 s.
    expect(refused.retryAfterSeconds).toBe(20);
    clock.advance(19_000);
    expect(limiter.consume("k")).toMatchObject({ allowed: false, retryAfterSeconds: 1 });
    clock.advance(1_000);
    expect(limiter.consume("k").allowed).toBe(true);
  });

  it("keeps keys separate", () => {
    const clock = fakeClock();
    const limiter = new RateLimiter(1, clock.now);
    expect(limiter.consume("a").allowed).toBe(true);
    expect(limiter.consume("a").allowed).toBe(false);
    expect(limiter.consume("b").allowed).toBe(true);
  });

  it("reports the remaining budget and never refills past the limit", () => {
    const clock = fakeClock();
    const limiter = new RateLimiter(120, clock.now);
    expect(limiter.consume("k").remaining).toBe(119);
    clock.advance(10 * 60_000);
    expect(limiter.consume("k").remaining).toBe(119);
  });

  it("forgets idle keys so memory stays bounded", () => {
    const clock = fakeClock();
    const limiter = new RateLimiter(60, clock.now);
    for (let i = 0; i < 999; i++) limiter.consume(`key-${i}`);
    expect(limiter.size).toBe(999);
    clock.advance(60_000);
    limiter.consume("fresh"); // the 1000th call sweeps refilled buckets
    expect(limiter.size).toBe(1);
  });

  it("rejects a non-positive limit", () => {
    expect(() => new RateLimiter(0)).toThrow(RangeError);
  });

  it("shares one limiter per process and replaces it when the limit changes", () => {
    const a = processRateLimiter(5);
    expect(processRateLimiter(5)).toBe(a);
    expect(processRateLimiter(6)).not.toBe(a);
  });
});
