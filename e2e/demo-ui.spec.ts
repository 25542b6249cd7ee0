import { expect, test, type Page } from "@playwright/test";
import { sandboxApi, ConversationPage } from "./pages/conversation";
import { sandboxUrl, signInThroughGitLab } from "./pages/gitlab-sign-in";

/** Reloads a demo GitLab page until `locator` shows up (the agent answers asynchronously). */
async function reloadUntilVisible(page: Page, find: () => ReturnType<Page["locator"]>, timeout = 45_000) {
  await expect(async () => {
    await page.reload();
    await expect(find().first()).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout });
}

test("the headline flow entirely in the demo GitLab's UI: label, follow the link, MR, comment, links back", async ({ page }) => {
  // Signing in to the app installs the webhook (the acme group's).
  await signInThroughGitLab(page);
  await expect.poll(async () => ((await (await sandboxApi(sandboxUrl(), "/groups/acme/hooks")).json()) as unknown[]).length, { timeout: 30_000 }).toBe(1);

  // The demo GitLab's landing page lists the projects (the GitLab session began at sign-in).
  await page.goto(sandboxUrl());
  await expect(page.getByTestId("projects")).toContainText("acme/web-shop");
  await expect(page.getByTestId("projects")).toContainText("demo/hello-app");
  await page.getByRole("link", { name: "acme/web-shop" }).click();
  await page.getByRole("link", { name: "Document the cart" }).click();
  const issueUrl = page.url();
  expect(issueUrl).toBe(`${sandboxUrl()}/acme/web-shop/-/issues/1`);

  // The seeded openhands label has its control; pressing it labels the issue.
  await page.getByRole("button", { name: "Add ~openhands" }).click();
  await expect(page.getByTestId("issue-labels")).toContainText("openhands");
  await expect(page.getByRole("button", { name: "Remove ~openhands" })).toBeVisible();

  // The agent's acknowledgement appears on the issue, with a link to the conversation.
  await reloadUntilVisible(page, () => page.locator(".note-body a[href*='/conversations/']"));
  await page.locator(".note-body a[href*='/conversations/']").first().click();
  await expect(page).toHaveURL(/\/conversations\/[0-9a-f-]{36}$/);
  const conversationUrl = page.url();

  // Links back: the issue, "label" as the trigger, then the branch and the MR it created.
  const conversation = new ConversationPage(page);
  await expect(page.getByTestId("trigger-source-link")).toHaveText("Issue #1");
  await expect(page.getByTestId("trigger-source-link")).toHaveAttribute("href", issueUrl);
  await expect(page.getByTestId("conversation-trigger")).toContainText("label");
  await conversation.waitForStatus("Resolved", 45_000);
  const mrLink = page.getByTestId("merge-request-link");
  await expect(mrLink).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId("pushed-branch-link")).toHaveText(/^openhands\/issue-1-/);
  const mrUrl = (await mrLink.getAttribute("href")) ?? "";
  expect(mrUrl).toMatch(new RegExp(`^${sandboxUrl()}/acme/web-shop/-/merge_requests/\\d+$`));
  const mrIid = /\/(\d+)$/.exec(mrUrl)?.[1];

  // In the list: the issue's title, the repository, the trigger in words and the outcome.
  await page.goto("/conversations");
  const row = page.getByTestId("conversation-row").filter({ hasText: "Document the cart" }).first();
  await expect(row.getByTestId("conversation-row-trigger")).toHaveText("Issue #1 label");
  await expect(row.getByTestId("conversation-row-repository")).toHaveText("acme/web-shop");
  await expect(row.getByTestId("status-badge")).toHaveText("Resolved");

  // On the merge request, a comment through its comment box asks the agent a question.
  await page.goto(mrUrl);
  await expect(page.getByTestId("merge-request-labels")).toBeVisible();
  await page.getByLabel("Add a comment").fill("@openhands answer: the cart section is in README.md");
  await page.getByRole("button", { name: "Comment", exact: true }).click();
  // The agent answers in the same thread: the text is there twice, the question and the reply.
  await expect(async () => {
    await page.reload();
    expect(await page.locator(".note-body").filter({ hasText: "the cart section is in README.md" }).count()).toBeGreaterThanOrEqual(2);
  }).toPass({ timeout: 45_000 });

  // That conversation links the merge request and the comment.
  await page.goto("/conversations");
  const mrRow = page.getByTestId("conversation-row").filter({ has: page.getByTestId("conversation-row-trigger").getByText(`MR !${mrIid} comment`) }).first();
  await expect(mrRow).toBeVisible();
  await mrRow.click();
  await expect(page.getByTestId("trigger-source-link")).toHaveText(`Merge request !${mrIid}`);
  await expect(page.getByTestId("trigger-source-link")).toHaveAttribute("href", mrUrl);
  await expect(page.getByTestId("trigger-comment-link")).toHaveAttribute("href", new RegExp(`^${mrUrl}#note_\\d+$`));

  // Labels come off in the UI too.
  await page.goto(issueUrl);
  await page.getByRole("button", { name: "Remove ~openhands" }).click();
  await expect(page.getByTestId("issue-labels")).toHaveText("None");
  await expect(page.getByRole("button", { name: "Add ~openhands" })).toBeVisible();

  // The first conversation's page still links back to the same issue.
  await page.goto(conversationUrl);
  await expect(page.getByTestId("trigger-source-link")).toHaveAttribute("href", issueUrl);
});
