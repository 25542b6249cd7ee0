import { expect, test } from "@playwright/test";
import { signInThroughGitLab, sandboxUrl } from "./pages/gitlab-sign-in";
import { OpenRepositoryPage } from "./pages/open-repository";
import { ConversationPage, sandboxApi } from "./pages/conversation";

test.describe("outcomes that tell the truth", () => {
  test("Launch stays disabled without a task, and the server refuses an empty one with a clear message", async ({ page }) => {
    await signInThroughGitLab(page);
    const home = new OpenRepositoryPage(page);
    await home.goto();
    await expect(home.launch).toBeDisabled();
    await expect(home.launch).toHaveAttribute("title", "Choose a repository first.");
    await home.chooseRepository("hello", /demo \/ hello-app/);
    await expect(home.launch).toBeDisabled();
    await expect(home.launch).toHaveAttribute("title", "Write what the agent should do.");
    await home.task.fill("   ");
    await expect(home.launch).toBeDisabled();
    await expect(page.getByTestId("launch-blocker")).toHaveText("Write what the agent should do.");

    // A client that skips the check (an old tab, a script) is refused by the server, and nothing starts.
    await home.launch.evaluate((b) => {
      (b as HTMLButtonElement).disabled = false;
      (b as HTMLButtonElement).click();
    });
    await expect(page.getByTestId("launch-error")).toHaveText("Write what the agent should do: a launch without a task would run the agent for nothing.");
    await expect(page).toHaveURL(/\/$/);
  });

  test("a failed run with partial changes lists them, gives the reason once, and offers Push branch", async ({ page }) => {
    await signInThroughGitLab(page);
    await new OpenRepositoryPage(page).launchTask("create file partial.txt with content half done\nfail: the tests do not pass yet");
    const conversation = new ConversationPage(page);
    await conversation.waitForStatus("Failed");
    await expect(conversation.status).toHaveAttribute("data-verdict", "failed");
    const result = page.getByTestId("conversation-result");
    await expect(result.getByTestId("conversation-outcome")).toHaveText("Failed");
    await expect(result.getByTestId("conversation-error")).toHaveText("Reason: the tests do not pass yet");
    // Once: not again in the timeline (the agent's own error line, a status line) nor in the summary.
    await expect(page.getByTestId("conversation-timeline").locator('[data-kind="error"], [data-kind="status"]').filter({ hasText: "the tests do not pass yet" })).toHaveCount(0);
    await expect(result.getByText("the tests do not pass yet")).toHaveCount(1);
    await expect(page.getByTestId("run-result")).toContainText("Run ended: Failed. Changed partial.txt.");
    await expect(result.getByTestId("conversation-files")).toHaveText("partial.txt");
    await expect(page.getByText("No files changed", { exact: false })).toHaveCount(0);

    await result.getByTestId("push-branch-button").click();
    const branch = page.getByTestId("pushed-branch-link");
    await expect(branch).toBeVisible({ timeout: 30_000 });
    const name = (await branch.textContent()) ?? "";
    expect(name).toMatch(/^openhands\//);
    const file = await sandboxApi(sandboxUrl(), `/projects/demo%2Fhello-app/repository/files/partial.txt/raw?ref=${encodeURIComponent(name)}`);
    expect(await file.text()).toBe("half done\n");
    await expect(result.getByTestId("open-mr-button")).toBeVisible();
  });

  test("resolved, answered, not resolved, failed and cancelled look different in the badge and the list", async ({ page }) => {
    await signInThroughGitLab(page);
    const home = new OpenRepositoryPage(page);
    const conversation = new ConversationPage(page);
    const cases: [string, string, string][] = [
      ["create file badge.txt with content ok", "Resolved", "resolved"],
      ["answer: the app greets people", "Answered", "answered"],
      ["please make it better", "Not resolved", "not_resolved"],
      ["fail: cannot do that", "Failed", "failed"],
    ];
    for (const [task, words, verdict] of cases) {
      await home.launchTask(task);
      await conversation.waitForStatus(words);
      await expect(conversation.status).toHaveAttribute("data-verdict", verdict);
    }
    await home.launchTask("sleep 30");
    await conversation.waitForStatus("Running");
    await page.getByTestId("cancel-button").click();
    await conversation.waitForStatus("Cancelled");
    await expect(page.getByTestId("conversation-outcome")).toHaveText("Cancelled");
    await expect(page.getByTestId("conversation-result")).not.toContainText("Failed");

    await page.goto("/conversations");
    const rows = page.getByTestId("conversation-row");
    const verdicts = await rows.getByTestId("status-badge").evaluateAll((els) => els.slice(0, 5).map((e) => `${e.getAttribute("data-verdict")}:${e.textContent}`));
    expect(verdicts).toEqual(["cancelled:Cancelled", "failed:Failed", "not_resolved:Not resolved", "answered:Answered", "resolved:Resolved"]);
    // Each badge has its own colours.
    const classes = await rows.getByTestId("status-badge").evaluateAll((els) => els.slice(0, 5).map((e) => e.className));
    expect(new Set(classes).size).toBe(5);
    await expect(rows.first().getByTestId("conversation-row-trigger")).toHaveText("App");
    await expect(rows.first().getByTestId("conversation-row-repository")).toHaveText("demo/hello-app");
  });
});
