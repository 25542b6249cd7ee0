import { expect, test } from "@playwright/test";
import { sandboxControl, signInThroughGitLab } from "./pages/gitlab-sign-in";
import { IntegrationsPage, sandboxApi, waitForSyncIdle, type SandboxHook } from "./pages/integrations";

/**
 * Issue 7 acceptance, in the demo sandbox: "demo" owns the Premium group `acme` and the personal
 * project `demo/hello-app`. Signing in queues hooks.sync, which installs our webhook on both.
 */
const GROUP = "acme";
const PROJECT = "demo/hello-app";
const enc = encodeURIComponent;

test.describe("Settings › Integrations: GitLab webhooks", () => {
  test("auto-install on sign-in, live status, Reinstall after deleting the hook in GitLab, and a refused reinstall", async ({ page }) => {
    await signInThroughGitLab(page);
    const api = await sandboxApi("demo");
    const ours = async (path: string): Promise<SandboxHook[]> => {
      const res = await api("GET", `${path}/hooks`);
      return (res.body as SandboxHook[]).filter((h) => h.url.endsWith("/api/gitlab/webhook"));
    };

    // 1. Within the sync, the hooks exist in GitLab (checked through the sandbox API).
    await expect.poll(async () => (await ours(`/groups/${enc(GROUP)}`)).length, { timeout: 30_000 }).toBe(1);
    await expect.poll(async () => (await ours(`/projects/${enc(PROJECT)}`)).length, { timeout: 30_000 }).toBe(1);
    // Earlier sign-ins may have queued another sync; let them all finish before touching GitLab.
    await waitForSyncIdle();

    // 2. The table shows Installed, with Reinstall disabled.
    const integrations = new IntegrationsPage(page);
    await integrations.goto();
    await integrations.expectStatusAfterReload(GROUP, "Installed");
    await integrations.expectStatusAfterReload(PROJECT, "Installed");
    await expect(integrations.row(GROUP)).toContainText("group");
    await expect(integrations.row(PROJECT)).toContainText("project");
    await expect(integrations.reinstall(PROJECT)).toBeDisabled();
    await expect(integrations.reinstall(GROUP)).toBeDisabled();
    await page.screenshot({ path: "test-results/integrations-installed.png", fullPage: true });

    // 3. Delete both hooks in GitLab, reload: Not Installed, Reinstall enabled.
    for (const path of [`/groups/${enc(GROUP)}`, `/projects/${enc(PROJECT)}`]) {
      for (const hook of await ours(path)) expect((await api("DELETE", `${path}/hooks/${hook.id}`)).status).toBe(204);
    }
    await integrations.expectStatusAfterReload(PROJECT, "Not Installed");
    await integrations.expectStatusAfterReload(GROUP, "Not Installed");
    await expect(integrations.reinstall(PROJECT)).toBeEnabled();
    await expect(integrations.reinstall(GROUP)).toBeEnabled();

    // 4. Press Reinstall: `Reinstalling...`, every other Reinstall disabled, then Installed and disabled.
    // GitLab is made slow to create the hook, so the running state can be seen.
    await sandboxControl("faults", { path: "^/api/v4/projects/[^/]+/hooks$", method: "POST", delay_ms: 1_500, times: 1 });
    await integrations.reinstall(PROJECT).click();
    await expect(integrations.reinstall(PROJECT)).toHaveText("Reinstalling...");
    await expect(integrations.reinstall(PROJECT)).toBeDisabled();
    await expect(integrations.reinstall(GROUP)).toBeDisabled();
    await expect(integrations.status(PROJECT)).toHaveText("Installed", { timeout: 15_000 });
    await expect(integrations.reinstall(PROJECT)).toHaveText("Reinstall");
    await expect(integrations.reinstall(PROJECT)).toBeDisabled();
    // An installed hook says, in words, where the recovery of missed deliveries stands.
    await expect(integrations.row(PROJECT).locator('[data-testid^="webhook-recovery-"]')).toContainText("Missed deliveries");
    // The one-at-a-time lock is released: the group can be reinstalled now.
    await expect(integrations.reinstall(GROUP)).toBeEnabled();
    expect(await ours(`/projects/${enc(PROJECT)}`)).toHaveLength(1);

    await integrations.reinstall(GROUP).click();
    await expect(integrations.status(GROUP)).toHaveText("Installed", { timeout: 15_000 });
    await expect(integrations.reinstall(GROUP)).toBeDisabled();
    expect(await ours(`/groups/${enc(GROUP)}`)).toHaveLength(1);

    // A sandbox fault on hook creation: Failed, with GitLab's error under the badge; Reinstall stays available.
    for (const hook of await ours(`/projects/${enc(PROJECT)}`)) await api("DELETE", `/projects/${enc(PROJECT)}/hooks/${hook.id}`);
    await integrations.expectStatusAfterReload(PROJECT, "Not Installed");
    await sandboxControl("faults", { path: "^/api/v4/projects/[^/]+/hooks$", method: "POST", status: 422, body: { message: "Invalid url given" }, times: 1 });
    await integrations.reinstall(PROJECT).click();
    await expect(integrations.status(PROJECT)).toHaveText("Failed", { timeout: 15_000 });
    await expect(integrations.row(PROJECT).locator('[data-testid^="webhook-error-"]')).toContainText("Invalid url given");
    await expect(integrations.reinstall(PROJECT)).toBeEnabled();
    await integrations.reinstall(PROJECT).click();
    await expect(integrations.status(PROJECT)).toHaveText("Installed", { timeout: 15_000 });
    await expect(integrations.reinstall(PROJECT)).toBeDisabled();
  });

  test("a row expands to the deliveries GitLab sent, and what the app did with each", async ({ page }) => {
    await signInThroughGitLab(page);
    const api = await sandboxApi("demo");
    const path = `/projects/${enc(PROJECT)}`;
    await expect.poll(async () => ((await api("GET", `${path}/hooks`)).body as SandboxHook[]).length, { timeout: 30_000 }).toBe(1);
    // A plain comment (no @openhands): GitLab delivers a Note Hook, and the app ignores it, saying why.
    expect((await api("POST", `${path}/issues/1/notes`, { body: "Looks good to me." })).status).toBe(201);
    await sandboxControl("deliveries/settle", {});

    const integrations = new IntegrationsPage(page);
    await integrations.goto();
    await expect(integrations.row(PROJECT)).toBeVisible();
    await integrations.row(PROJECT).getByRole("button", { name: /Recent deliveries/ }).click();
    const deliveries = page.locator('[data-testid^="deliveries-project-"]');
    await expect(deliveries.getByTestId("delivery").first()).toContainText("Comment", { timeout: 15_000 });
    // How far back the list goes (WEBHOOK_RETENTION_DAYS, default 30; issue 13).
    await expect(deliveries.getByTestId("deliveries-retention")).toHaveText("Deliveries are kept for 30 days; older ones are deleted.");
    await page.screenshot({ path: "test-results/integrations-deliveries.png", fullPage: true });
  });
});
