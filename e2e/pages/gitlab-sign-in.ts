import { expect, type Page } from "@playwright/test";

export const DEMO_USER = { username: "demo", password: "demo-password-123" };

/** The app's sign-in page followed by the sandbox's real GitLab login form and consent screen. */
export async function signInThroughGitLab(page: Page, user = DEMO_USER, callbackPath = "/") {
  await page.goto(`/sign-in?callbackUrl=${encodeURIComponent(callbackPath)}`);
  await page.getByRole("button", { name: "Sign in with GitLab" }).click();
  // Now on the sandbox (a different origin): GitLab's own form.
  await page.getByLabel("Username or primary email").fill(user.username);
  await page.getByLabel("Password").fill(user.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await approveConsentIfAsked(page);
  await expect(page.getByTestId("signed-in-as")).toContainText(`@${user.username}`);
}

/** GitLab shows a consent screen for untrusted applications (the demo app is one); approve it. */
export async function approveConsentIfAsked(page: Page) {
  const authorize = page.getByRole("button", { name: "Authorize" });
  await expect(authorize.or(page.getByTestId("app-header"))).toBeVisible();
  if (await authorize.isVisible()) await authorize.click();
  await expect(page.getByTestId("app-header")).toBeVisible();
}

export function sandboxUrl(): string {
  const url = process.env.E2E_SANDBOX_URL;
  if (!url) throw new Error("E2E_SANDBOX_URL is set by playwright.config.ts");
  return url;
}

export async function sandboxControl(path: string, body: unknown): Promise<unknown> {
  const res = await fetch(`${sandboxUrl()}/-/sandbox/${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`sandbox ${path} failed: ${res.status} ${await res.text()}`);
  return res.json().catch(() => null);
}
