import { expect, test, type Page } from "@playwright/test";
import { sandboxUrl, signInThroughGitLab } from "./pages/gitlab-sign-in";
import { OpenRepositoryPage } from "./pages/open-repository";
import { ConversationPage } from "./pages/conversation";

/**
 * A screenshot of every page at a desktop width and at a phone's, saved in Playwright's output
 * directory (test-results/, not committed) for people to look at. Each page is also checked for the
 * commonest layout fault on a phone: content wider than the screen.
 */
const WIDTHS = [1400, 390] as const;

async function shoot(page: Page, name: string, outputPath: (name: string) => string) {
  for (const width of WIDTHS) {
    await page.setViewportSize({ width, height: width === 390 ? 844 : 900 });
    await page.waitForTimeout(150);
    await page.screenshot({ path: outputPath(`${name}-${width}.png`), fullPage: true });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect.soft(overflow, `${name} at ${width} px is wider than the screen`).toBeLessThanOrEqual(1);
  }
}

test("every page at 1400 px and 390 px", async ({ page }, testInfo) => {
  test.setTimeout(180_000);
  const out = (n: string) => testInfo.outputPath(n);
  await page.goto("/sign-in");
  await shoot(page, "sign-in", out);
  await page.goto("/no-such-page");
  await shoot(page, "404-anonymous", out);

  await signInThroughGitLab(page);
  const home = new OpenRepositoryPage(page);
  await home.goto();
  await shoot(page, "home", out);
  await home.repository.click();
  await expect(page.getByTestId("repository-picker").getByRole("option").first()).toBeVisible();
  await shoot(page, "home-repository-picker", out);
  await page.keyboard.press("Escape");

  await home.launchTask("create file shot.txt with content a screenshot\nanswer: | file | change |\\n|---|---|\\n| shot.txt | created |");
  await new ConversationPage(page).waitForStatus("Resolved");
  await shoot(page, "conversation-resolved", out);
  await home.launchTask("create file half.txt with content half\nfail: stopped on purpose");
  await new ConversationPage(page).waitForStatus("Failed");
  await shoot(page, "conversation-failed", out);

  for (const [name, path] of [
    ["conversations", "/conversations"],
    ["settings-integrations", "/settings/integrations"],
    ["settings-secrets", "/settings/secrets"],
    ["settings-api-keys", "/settings/api-keys"],
    ["status", "/status"],
    ["404-conversation", "/conversations/00000000-0000-4000-8000-000000000000"],
    ["404-signed-in", "/no-such-page"],
  ] as const) {
    await page.goto(path);
    await page.waitForLoadState("networkidle");
    await shoot(page, name, out);
  }

  for (const [name, path] of [
    ["gitlab-projects", "/"],
    ["gitlab-project", "/demo/hello-app"],
    ["gitlab-issue", "/demo/hello-app/-/issues/1"],
  ] as const) {
    await page.goto(`${sandboxUrl()}${path}`);
    await shoot(page, name, out);
  }
});
