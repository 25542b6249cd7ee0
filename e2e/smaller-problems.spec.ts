import { expect, test } from "@playwright/test";
import { signInThroughGitLab } from "./pages/gitlab-sign-in";
import { OpenRepositoryPage } from "./pages/open-repository";
import { ConversationPage } from "./pages/conversation";

test.describe("the smaller problems of the first-use report", () => {
  test("'Sent…' goes away when the run it started ends; the box is empty again", async ({ page }) => {
    await signInThroughGitLab(page);
    await new OpenRepositoryPage(page).launchTask("answer: first");
    const conversation = new ConversationPage(page);
    await conversation.waitForStatus("Answered");
    await page.getByLabel("Send a message").fill("sleep 2\nanswer: second");
    await page.getByRole("button", { name: "Send" }).click();
    await expect(page.getByTestId("follow-up-notice")).toHaveText("Sent. The agent is starting a new run.");
    await conversation.waitForStatus("Running");
    await conversation.waitForStatus("Answered");
    await expect(page.getByTestId("follow-up-notice")).toHaveText("");
    await expect(page.getByLabel("Send a message")).toHaveValue("");
    await expect(page.getByRole("button", { name: "Send" })).toBeDisabled();
    await expect(page.getByRole("button", { name: "Send" })).toHaveAttribute("title", "Write a message first.");
  });

  test("a message over the limit is said before sending, never cut", async ({ page }) => {
    await signInThroughGitLab(page);
    const home = new OpenRepositoryPage(page);
    await home.goto();
    await home.chooseRepository("hello", /demo \/ hello-app/);
    await home.task.fill("x".repeat(20_001));
    await expect(home.task).toHaveValue("x".repeat(20_001));
    await expect(page.getByTestId("message-length")).toHaveText("20,001 / 20,000 characters: too long, shorten it to send");
    await expect(home.launch).toBeDisabled();
  });

  test("a secret's value survives a validation error", async ({ page }) => {
    await signInThroughGitLab(page);
    await page.goto("/settings/secrets");
    const form = page.getByTestId("secret-form");
    await form.getByLabel("Name").fill("not a valid name!");
    await form.getByLabel("Value").fill("s3cret-value");
    await form.getByRole("button", { name: "Add secret" }).click();
    await expect(form.getByRole("alert").or(form.locator(".text-red-700")).first()).toBeVisible();
    await expect(form.getByLabel("Value")).toHaveValue("s3cret-value");
    await form.getByLabel("Name").fill("VALID_NAME");
    await form.getByRole("button", { name: "Add secret" }).click();
    await expect(form.getByRole("status")).toContainText("Saved VALID_NAME");
    await expect(form.getByLabel("Value")).toHaveValue("");
  });

  test("the footer's status is a page, and a missing page keeps the shell with a way back", async ({ page }) => {
    await signInThroughGitLab(page);
    await page.getByRole("contentinfo").getByRole("link", { name: "status" }).click();
    await expect(page).toHaveURL(/\/status$/);
    await expect(page.getByTestId("status-overall")).toHaveText("All systems working");

    const missing = await page.goto("/conversations/00000000-0000-4000-8000-000000000000");
    expect(missing?.status()).toBe(404);
    await expect(page.getByTestId("app-header")).toBeVisible();
    await page.getByRole("link", { name: "Go to Open Repository" }).click();
    await expect(page.getByRole("heading", { name: "Open Repository" })).toBeVisible();

    expect((await page.goto("/no/such/page"))?.status()).toBe(404);
    await expect(page.getByTestId("app-header")).toBeVisible();
    await expect(page.getByTestId("not-found")).toContainText("could not be found");
    // A favicon is served.
    expect((await page.request.get("/icon.svg")).status()).toBe(200);
  });
});
