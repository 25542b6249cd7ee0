// Request counters for tests and benchmarks ("how many GitLab calls did that take?"), keyed by
// method and route template, e.g. `POST /projects/:id/hooks`.

export interface StatsSnapshot { since: string; total: number; by_route: Record<string, number>; by_status: Record<string, number> }

export class RequestStats {
  private total = 0;
  private byRoute = new Map<string, number>();
  private byStatus = new Map<number, number>();
  private since = Date.now();

  record(routeKey: string, status: number): void {
    this.total++;
    this.byRoute.set(routeKey, (this.byRoute.get(routeKey) ?? 0) + 1);
    this.byStatus.set(status, (this.byStatus.get(status) ?? 0) + 1);
  }

  snapshot(): StatsSnapshot {
    const sorted = [...this.byRoute.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1));
    return {
      since: new Date(this.since).toISOString(),
      total: this.total,
      by_route: Object.fromEntries(sorted),
      by_status: Object.fromEntries([...this.byStatus.entries()].map(([k, v]) => [String(k), v])),
    };
  }

  reset(): void {
    this.total = 0;
    this.byRoute.clear();
    this.byStatus.clear();
    this.since = Date.now();
  }
}
