/**
 * Per-key request budget: a token bucket holding `perMinute` tokens, refilled continuously at
 * `perMinute` per minute. A script may burst up to the full budget, then runs at the steady rate.
 *
 * The buckets live in this process's memory. That keeps the check free (no database write per
 * request) at the price of being per process: with N web replicas a key can reach N times the limit.
 * The limit protects the service from a runaway script, not a billing quota, so that is acceptable.
 */
export interface RateLimitDecision {
  allowed: boolean;
  limit: number;
  /** whole requests left right now */
  remaining: number;
  /** seconds until one more request is allowed (0 when allowed) */
  retryAfterSeconds: number;
}

interface Bucket {
  tokens: number;
  updatedAt: number;
}

/** Buckets that have refilled completely carry no information; drop them so memory stays bounded. */
const SWEEP_EVERY = 1_000;

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private calls = 0;

  constructor(
    readonly perMinute: number,
    private readonly clock: () => number = Date.now,
  ) {
    if (!Number.isFinite(perMinute) || perMinute <= 0) throw new RangeError(`rate limit must be positive (got ${perMinute})`);
  }

  private get ratePerMs(): number {
    return this.perMinute / 60_000;
  }

  /** Takes one token from `key`'s bucket if there is one. */
  consume(key: string): RateLimitDecision {
    const now = this.clock();
    if (++this.calls % SWEEP_EVERY === 0) this.sweep(now);
    const bucket = this.buckets.get(key) ?? { tokens: this.perMinute, updatedAt: now };
    bucket.tokens = Math.min(this.perMinute, bucket.tokens + (now - bucket.updatedAt) * this.ratePerMs);
    bucket.updatedAt = now;
    this.buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true, limit: this.perMinute, remaining: Math.floor(bucket.tokens), retryAfterSeconds: 0 };
    }
    const retryAfterSeconds = Math.max(1, Math.ceil((1 - bucket.tokens) / this.ratePerMs / 1000));
    return { allowed: false, limit: this.perMinute, remaining: 0, retryAfterSeconds };
  }

  private sweep(now: number): void {
    for (const [key, bucket] of this.buckets) {
      if (bucket.tokens + (now - bucket.updatedAt) * this.ratePerMs >= this.perMinute) this.buckets.delete(key);
    }
  }

  /** Number of keys currently tracked (tests). */
  get size(): number {
    return this.buckets.size;
  }
}

const globalKey = Symbol.for("gitlab-agent.api-rate-limiter");
type G = typeof globalThis & { [globalKey]?: RateLimiter };

/**
 * The process-wide limiter. Like the database handle it lives on globalThis, because Next may load
 * this module in several bundles and each copy would otherwise count separately. A change of the
 * configured limit (tests) replaces it.
 */
export function processRateLimiter(perMinute: number): RateLimiter {
  const g = globalThis as G;
  const current = g[globalKey];
  if (current && current.perMinute === perMinute) return current;
  const limiter = new RateLimiter(perMinute);
  g[globalKey] = limiter;
  return limiter;
}
