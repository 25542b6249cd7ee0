import { expect, test } from "@playwright/test";
import { signInThroughGitLab } from "./pages/gitlab-sign-in";
import { ApiKeysPage } from "./pages/api-keys";

test.describe("Settings › API Keys", () => {
  test("create a key, see it once, use it, revoke it", async ({ page, context, request }) => {
    await context.grantPermissions(["clipboard-read", "clipboard-write"]);
    await signInThroughGitLab(page);
    const keys = new ApiKeysPage(page);
    await keys.goto();
    await expect(page.getByTestId("api-keys-empty")).toBeVisible();
    await expect(page.getByTestId("openapi-link")).toHaveAttribute("href", "/api/v1/openapi.json");

    const token = await keys.createKey("CI pipeline", "In 30 days");
    expect(token).toMatch(/^ohk_[A-Za-z0-9_-]{32}$/);
    await expect(page.getByTestId("new-api-key-warning")).toContainText("you won't see it again");
    await page.getByTestId("copy-api-key").click();
    await expect(page.getByTestId("copy-api-key")).toHaveText("Copied");
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(token);
    await page.screenshot({ path: "test-results/api-key-created.png", fullPage: true });

    // Listed with its prefix only, active, expiring in 30 days, never used yet.
    const row = keys.row("CI pipeline");
    await expect(row.getByTestId("api-key-row-prefix")).toHaveText(`${token.slice(0, 12)}…`);
    await expect(row.getByTestId("api-key-row-status")).toHaveText("active");
    await expect(row.getByTestId("api-key-row-last-used")).toHaveText("Never");
    await expect(row.getByTestId("api-key-row-expires")).not.toHaveText("Never");

    // The key works against the API.
    const ok = await request.get("/api/v1/conversations", { headers: { authorization: `Bearer ${token}` } });
    expect(ok.status()).toBe(200);
    expect(await ok.json()).toMatchObject({ items: expect.any(Array), nextCursor: null });

    // Shown once: after a reload the plaintext is nowhere in the page, and the use is recorded.
    await page.reload();
    await expect(keys.newKeyPanel).toHaveCount(0);
    expect(await page.content()).not.toContain(token);
    await expect(row.getByTestId("api-key-row-last-used")).not.toHaveText("Never");

    await keys.revoke("CI pipeline");
    await expect(row.getByTestId("revoke-api-key")).toHaveCount(0);
    const refused = await request.get("/api/v1/conversations", { headers: { authorization: `Bearer ${token}` } });
    expect(refused.status()).toBe(401);
    expect((await refused.json()).error.code).toBe("api_key_revoked");

    // A revoked key can be deleted from the list (an active one only revoked).
    await row.getByTestId("delete-api-key").click();
    await expect(row).toHaveCount(0);
    await page.reload();
    await expect(keys.row("CI pipeline")).toHaveCount(0);
  });

  test("a key needs a name", async ({ page }) => {
    await signInThroughGitLab(page);
    const keys = new ApiKeysPage(page);
    await keys.goto();
    // Only spaces pass the browser's `required` check but not the server's.
    await keys.name.fill("   ");
    await keys.create.click();
    await expect(page.getByText("Give the key a name")).toBeVisible();
    await expect(keys.newKeyPanel).toHaveCount(0);
  });
});
