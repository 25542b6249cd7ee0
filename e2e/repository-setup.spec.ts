import { expect, test } from "@playwright/test";
import { ConversationPage } from "./pages/conversation";
import { sandboxControl, signInThroughGitLab } from "./pages/gitlab-sign-in";
import { OpenRepositoryPage } from "./pages/open-repository";

test("a repository's setup script and instruction files: a collapsible setup step, the files named, their text in the prompt", async ({ page }) => {
  // (the demo GitLab starts with the app: sign in first)
  await signInThroughGitLab(page);
  await sandboxControl("commits", {
    project: "demo/hello-app",
    branch: "feature/with-setup",
    start_branch: "main",
    files: {
      ".openhands/setup.sh": "echo preparing the workspace\nnode --version\n",
      ".openhands/microagents/repo.md": "Run `npm test` before you finish.\n",
      "AGENTS.md": "Indent with two spaces.\n",
    },
    author: "demo",
  });
  const home = new OpenRepositoryPage(page);
  await home.goto();
  await home.chooseRepository("hello", /demo \/ hello-app/);
  await home.chooseBranch("with-setup", "feature/with-setup");
  await page.getByTestId("launch-message").fill("echo prompt");
  await home.launch.click();
  await expect(page).toHaveURL(/\/conversations\/[0-9a-f-]{36}$/);

  const conversation = new ConversationPage(page);
  await conversation.waitForStatus("Answered", 45_000);
  const setup = page.getByTestId("setup-step");
  await expect(setup).toContainText("Repository setup .openhands/setup.sh · done");
  await expect(setup).not.toHaveAttribute("open");
  await setup.locator("summary").click();
  await expect(setup).toContainText("preparing the workspace");
  await expect(page.getByText("Repository instructions given to the agent: .openhands/microagents/repo.md, AGENTS.md")).toBeVisible();
  // The test agent repeats the prompt it received: the repository's instructions come first.
  await expect(conversation.event("message").filter({ hasText: "Repository instructions" }).first()).toContainText("Indent with two spaces.");
  await page.screenshot({ path: "test-results/conversation-repository-setup.png", fullPage: true });
});
