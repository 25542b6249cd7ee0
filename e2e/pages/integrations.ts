import { expect, type Locator, type Page } from "@playwright/test";
import { sandboxControl, sandboxUrl } from "./gitlab-sign-in";

/** Settings › Integrations, GitLab section: the webhook table. */
export class IntegrationsPage {
  readonly table: Locator;

  constructor(readonly page: Page) {
    this.table = page.getByTestId("webhooks-table");
  }

  async goto() {
    await this.page.goto("/settings/integrations");
    await expect(this.page.getByTestId("gitlab-connection")).toContainText("Connected as");
  }

  row(fullPath: string): Locator {
    return this.page.locator(`tr[data-resource-path="${fullPath}"]`);
  }

  status(fullPath: string): Locator {
    return this.row(fullPath).locator('[data-testid^="webhook-status-"]');
  }

  reinstall(fullPath: string): Locator {
    return this.row(fullPath).getByRole("button", { name: /^Reinstall/ });
  }

  /** Reloads until the row shows `status` (the table checks GitLab live on each load). */
  async expectStatusAfterReload(fullPath: string, status: string) {
    await expect(async () => {
      await this.page.reload();
      await expect(this.status(fullPath)).toHaveText(status, { timeout: 3_000 });
    }).toPass({ timeout: 30_000, intervals: [500, 1_000, 2_000] });
  }
}

/** The sandbox's REST API as `username` (a token issued through its control API). */
export async function sandboxApi(username: string) {
  const issued = (await sandboxControl("oauth/tokens", { username, scopes: ["api"] })) as { access_token: string };
  return async (method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }> => {
    const res = await fetch(`${sandboxUrl()}/api/v4${path}`, {
      method,
      headers: { authorization: `Bearer ${issued.access_token}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as unknown) : null };
  };
}

export type SandboxHook = { id: number; url: string; alert_status: string };

/**
 * Waits until no hooks.sync is running: a sync lists the hooks of every resource it visits, so when
 * the sandbox has seen no hook request for `quietMs`, none is in progress and none is queued (the
 * queue would have started it within its polling interval).
 */
export async function waitForSyncIdle(quietMs = 2_500, timeoutMs = 30_000): Promise<void> {
  const hookRequests = async () => {
    const res = await fetch(`${sandboxUrl()}/-/sandbox/stats`);
    const stats = (await res.json()) as { by_route: Record<string, number> };
    return Object.entries(stats.by_route)
      .filter(([route]) => route.includes("/hooks"))
      .reduce((sum, [, n]) => sum + n, 0);
  };
  const deadline = Date.now() + timeoutMs;
  let last = await hookRequests();
  let quietSince = Date.now();
  while (Date.now() - quietSince < quietMs) {
    if (Date.now() > deadline) throw new Error("webhook sync did not settle");
    await new Promise((r) => setTimeout(r, 250));
    const now = await hookRequests();
    if (now !== last) {
      last = now;
      quietSince = Date.now();
    }
  }
}
