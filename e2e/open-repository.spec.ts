import { expect, test } from "@playwright/test";
import { sandboxControl, signInThroughGitLab } from "./pages/gitlab-sign-in";
import { OpenRepositoryPage } from "./pages/open-repository";

test.describe("sign in with GitLab and Open Repository (demo sandbox)", () => {
  test("the demo banner and the demo credentials are shown", async ({ page }) => {
    await page.goto("/sign-in");
    await expect(page.getByTestId("demo-banner")).toContainText("Demo: connected to the built-in GitLab sandbox");
    await expect(page.getByTestId("demo-credentials")).toContainText("demo");
  });

  test("sign in, search a repository, pick a non-default branch, Launch", async ({ page }) => {
    await signInThroughGitLab(page);
    const home = new OpenRepositoryPage(page);
    await home.goto();
    await home.chooseRepository("web", /acme \/ web-shop/);
    // The default branch is preselected.
    await expect(home.branch).toHaveValue("main");
    await home.chooseBranch("disc", "feature/discounts");
    await expect(home.branch).toHaveValue("feature/discounts");
    await home.launch.click();
    await expect(page).toHaveURL(/\/conversations\/[0-9a-f-]{36}$/);
    await expect(page.getByTestId("conversation-repository")).toHaveText("acme/web-shop");
    await expect(page.getByTestId("conversation-branch")).toHaveText("feature/discounts");
  });

  test("a search with no match says so", async ({ page }) => {
    await signInThroughGitLab(page);
    const home = new OpenRepositoryPage(page);
    await home.goto();
    await home.repository.click();
    await home.repository.fill("zzz-no-such-repo");
    await expect(page.getByTestId("repository-picker").getByText("No repositories match.")).toBeVisible();
  });

  test("a revoked GitLab authorization leads to Reconnect GitLab", async ({ page }) => {
    await signInThroughGitLab(page);
    // The user revokes the app in GitLab: access and refresh tokens stop working.
    await sandboxControl("oauth/revoke", { username: "demo" });
    await page.goto("/");
    await expect(page.getByTestId("reconnect-gitlab")).toBeVisible();
    await expect(page.getByRole("button", { name: "Reconnect GitLab" })).toBeVisible();
    await page.screenshot({ path: "test-results/reconnect-gitlab.png" });
    // Reconnecting restores the picker.
    await page.getByRole("button", { name: "Reconnect GitLab" }).click();
    // The sandbox session is still there, so GitLab goes straight to the consent screen.
    await page.getByRole("button", { name: "Authorize" }).click();
    await expect(page.getByTestId("repository-picker")).toBeVisible();
  });
});
