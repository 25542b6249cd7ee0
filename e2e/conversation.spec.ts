import { expect, test } from "@playwright/test";
import { sandboxControl, sandboxUrl, signInThroughGitLab } from "./pages/gitlab-sign-in";
import { OpenRepositoryPage } from "./pages/open-repository";
import { ConversationPage, sandboxApi } from "./pages/conversation";

test("launch a task, watch it live, see the summary and open a merge request", async ({ page }) => {
  await signInThroughGitLab(page);
  const home = new OpenRepositoryPage(page);
  await home.goto();
  await home.chooseRepository("hello", /demo \/ hello-app/);
  // The leading sleep means the file edit cannot have happened when the page first renders; the
  // trailing one keeps the run going after it. So the edit must arrive over the live stream.
  await page.getByTestId("launch-message").fill("sleep 2\ncreate file hello.txt with content hi\nsleep 3");
  await home.launch.click();
  await expect(page).toHaveURL(/\/conversations\/[0-9a-f-]{36}$/);

  const conversation = new ConversationPage(page);
  await expect(page.getByTestId("test-agent-label")).toBeVisible();
  await expect(conversation.event("file_edit")).toHaveCount(0);
  await expect(page.getByTestId("live-indicator")).toHaveAttribute("data-state", "live");
  await expect(conversation.event("file_edit").first()).toContainText("hello.txt", { timeout: 30_000 });
  await expect(conversation.status).toHaveText("Running");

  await conversation.waitForStatus("Resolved");
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

test("another GitLab user gets a 404 for someone else's conversation", async ({ page, browser }) => {
  await signInThroughGitLab(page);
  await page.goto("/conversations");
  const first = page.getByTestId("conversation-list").getByRole("link").first();
  await expect(first).toBeVisible();
  const href = await first.getAttribute("href");
  expect(href).toMatch(/^\/conversations\/[0-9a-f-]{36}$/);

  await sandboxControl("seed", { users: [{ username: "alice", name: "Alice", email: "alice@example.com", password: "alice-password-123" }] });
  const context = await browser.newContext();
  const other = await context.newPage();
  await signInThroughGitLab(other, { username: "alice", password: "alice-password-123" });
  const response = await other.goto(href!);
  expect(response?.status()).toBe(404);
  await expect(other.getByText("could not be found")).toBeVisible();
  const events = await other.request.get(`/api/conversations${href!.replace("/conversations", "")}/events`);
  expect(events.status()).toBe(404);
  expect((await other.goto("/conversations/00000000-0000-4000-8000-000000000000"))?.status()).toBe(404);
  await context.close();
});
