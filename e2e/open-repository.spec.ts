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
    await expect(home.branchValue).toHaveText("main");
    await home.chooseBranch("disc", "feature/discounts");
    await expect(home.branchValue).toHaveText("feature/discounts");
    await home.task.fill("answer: looking at the discounts branch");
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
    await home.search("Repository").fill("zzz-no-such-repo");
    await expect(page.getByTestId("repository-picker").getByText("No repository matches “zzz-no-such-repo”.")).toBeVisible();
  });

  test("a typed branch that does not exist is said so, and never becomes the launch branch", async ({ page }) => {
    await signInThroughGitLab(page);
    const home = new OpenRepositoryPage(page);
    await home.goto();
    await home.chooseRepository("hello", /demo \/ hello-app/);
    await home.branch.click();
    await home.search("Branch").fill("feature/does-not-exist");
    await expect(page.getByTestId("branch-picker").getByText("No branch named “feature/does-not-exist” in this repository. Pick one from the list.")).toBeVisible();
    await page.keyboard.press("Enter");
    await page.keyboard.press("Escape");
    // The chosen branch is still the one shown, never the typed text.
    await expect(home.branchValue).toHaveText("main");
  });

  test("keyboard only: open, search, move and pick the repository and the branch, then launch", async ({ page }) => {
    await signInThroughGitLab(page);
    const home = new OpenRepositoryPage(page);
    await home.goto();
    await home.task.focus();
    await page.keyboard.type("answer: chosen with the keyboard");
    // Tab order: the task, the repository picker, the branch picker, Launch.
    await page.keyboard.press("Tab");
    await expect(home.repository).toBeFocused();
    await page.keyboard.press("ArrowDown");
    await expect(home.search("Repository")).toBeFocused();
    await page.keyboard.type("web");
    const option = page.getByTestId("repository-picker").getByRole("option", { name: /acme \/ web-shop/ });
    await expect(option).toBeVisible();
    await expect(option).toHaveAttribute("aria-selected", "true");
    await page.keyboard.press("Enter");
    await expect(home.repositoryValue).toHaveText("acme / web-shop");
    await expect(home.repository).toBeFocused();
    await expect(home.branchValue).toHaveText("main");

    await page.keyboard.press("Tab");
    await expect(home.branch).toBeFocused();
    await page.keyboard.press("Enter");
    await expect(home.search("Branch")).toBeFocused();
    const branches = page.getByTestId("branch-picker").getByRole("option");
    await expect(branches.first()).toBeVisible();
    // Arrow keys move through the options: find feature/discounts without the mouse.
    for (let i = 0; i < 5 && (await page.getByTestId("branch-picker").getByRole("option", { selected: true }).textContent())?.includes("feature/discounts") !== true; i++) {
      await page.keyboard.press("ArrowDown");
    }
    await expect(page.getByTestId("branch-picker").getByRole("option", { selected: true })).toContainText("feature/discounts");
    await page.keyboard.press("Enter");
    await expect(home.branchValue).toHaveText("feature/discounts");

    await page.keyboard.press("Tab");
    await expect(home.launch).toBeFocused();
    await page.keyboard.press("Enter");
    await expect(page).toHaveURL(/\/conversations\/[0-9a-f-]{36}$/);
    await expect(page.getByTestId("conversation-repository")).toHaveText("acme/web-shop");
    await expect(page.getByTestId("conversation-branch")).toHaveText("feature/discounts");
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
