/**
 * Bounded concurrency and a shared pause for rate limits. When GitLab answers 429 with
 * `Retry-After`, every request of the sweep waits, not only the one that was refused: the limit is
 * per user, so the other workers would just collect more 429s.
 */

export class RateGate {
  private resumeAt = 0;

  constructor(private readonly now: () => number = Date.now) {}

  /** Resolves once no pause is in force. */
  async ready(): Promise<void> {
    for (;;) {
      const wait = this.resumeAt - this.now();
      if (wait <= 0) return;
      await new Promise((r) => setTimeout(r, wait));
    }
  }

  /** Pauses everyone for `ms` (never shortens a longer pause already in force), then waits. */
  async pause(ms: number): Promise<void> {
    this.resumeAt = Math.max(this.resumeAt, this.now() + ms);
    await this.ready();
  }
}

/**
 * `fn` over every item with at most `limit` in flight, results in input order. A rejection stops
 * new work from starting and is rethrown once the running ones have settled.
 */
export async function mapBounded<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failure: { err: unknown } | null = null;
  async function lane(): Promise<void> {
    while (failure === null && next < items.length) {
      const i = next++;
      try {
        results[i] = await fn(items[i] as T, i);
      } catch (err) {
        failure ??= { err };
      }
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, lane));
  if (failure !== null) throw (failure as { err: unknown }).err;
  return results;
}
