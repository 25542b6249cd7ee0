import { expect, test } from "@playwright/test";
import { sandboxUrl, signInThroughGitLab } from "./pages/gitlab-sign-in";
import { OpenRepositoryPage } from "./pages/open-repository";
import { ConversationPage, sandboxApi } from "./pages/conversation";

test("launch a task, watch it live, see the summary and open a merge request", async ({ page }) => {
  await signInThroughGitLab(page);
  const home = new OpenRepositoryPage(page);
  await home.goto();
  await home.chooseRepository("hello", /demo \/ hello-app/);
  // The trailing sleep keeps the run going after the file is written, so the file edit must
  // appear while the status is still "running": the timeline is live, not a reload.
  await page.getByTestId("launch-message").fill("create file hello.txt with content hi\nsleep 3");
  await home.launch.click();
  await expect(page).toHaveURL(/\/conversations\/[0-9a-f-]{36}$/);

  const conversation = new ConversationPage(page);
  await expect(page.getByTestId("test-agent-label")).toBeVisible();
  await expect(conversation.event("file_edit").first()).toContainText("hello.txt", { timeout: 30_000 });
  await expect(conversation.status).toHaveText("running");

  await conversation.waitForStatus("finished");
  await expect(conversation.summary).toBeVisible();

  await page.getByTestId("open-mr-button").click();
  const mrLink = page.getByTestId("merge-request-link");
  await expect(mrLink).toBeVisible({ timeout: 30_000 });
  await page.screenshot({ path: "test-results/conversation-finished.png", fullPage: true });

  // The merge request exists in GitLab, and its source branch holds hello.txt.
  const mrs = (await (await sandboxApi(sandboxUrl(), "/projects/demo%2Fhello-app/merge_requests?state=opened")).json()) as { source_branch: string; web_url: string }[];
  const mr = mrs.find((m) => m.source_branch.startsWith("openhands/"));
  expect(mr).toBeDefined();
  expect(await mrLink.getAttribute("href")).toBe(mr?.web_url);
  const file = await sandboxApi(sandboxUrl(), `/projects/demo%2Fhello-app/repository/files/hello.txt/raw?ref=${encodeURIComponent(mr?.source_branch ?? "")}`);
  expect(file.status).toBe(200);
  expect((await file.text()).trim()).toBe("hi");
});
