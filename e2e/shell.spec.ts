import { expect, test } from "@playwright/test";

test("home page shows the app shell and Open Repository", async ({ page }) => {
  await page.goto("/");
  await expect(page.getByTestId("app-header")).toBeVisible();
  const nav = page.getByRole("navigation", { name: "Main" });
  await expect(nav.getByRole("link", { name: "Home" })).toHaveAttribute("aria-current", "page");
  await expect(nav.getByRole("link", { name: "Conversations" })).toBeVisible();
  await expect(nav.getByRole("link", { name: "Settings" })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Open Repository" })).toBeVisible();
});

test("app pages send anonymous visitors to sign-in", async ({ page }) => {
  await page.goto("/settings/secrets");
  await expect(page).toHaveURL(/\/sign-in\?callbackUrl=%2Fsettings%2Fsecrets/);
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
});

test("health reports database and queue", async ({ request }) => {
  const res = await request.get("/api/health");
  expect(res.status()).toBe(200);
  expect(await res.json()).toMatchObject({ db: "ok", queue: "ok", version: expect.any(String) });
});
