import { expect, type Locator, type Page } from "@playwright/test";

/** Home › Open Repository: the two pickers (cmdk in a Radix popover), the task, Launch. */
export class OpenRepositoryPage {
  /** the closed pickers: buttons with role combobox showing the chosen value */
  readonly repository: Locator;
  readonly branch: Locator;
  readonly repositoryValue: Locator;
  readonly branchValue: Locator;
  readonly task: Locator;
  readonly launch: Locator;

  constructor(readonly page: Page) {
    this.repository = page.getByTestId("repository-picker-trigger");
    this.branch = page.getByTestId("branch-picker-trigger");
    this.repositoryValue = page.getByTestId("repository-picker-value");
    this.branchValue = page.getByTestId("branch-picker-value");
    this.task = page.getByTestId("launch-message");
    this.launch = page.getByRole("button", { name: "Launch" });
  }

  async goto() {
    await this.page.goto("/");
    await expect(this.page.getByRole("heading", { name: "Open Repository" })).toBeVisible();
  }

  /** The search box of the open picker. */
  search(picker: "Repository" | "Branch"): Locator {
    return this.page.getByRole("combobox", { name: `Search: ${picker}` });
  }

  /** Type into the repository search and pick the option whose text contains `label`. */
  async chooseRepository(search: string, label: string | RegExp) {
    await this.repository.click();
    await this.search("Repository").fill(search);
    const option = this.page.getByTestId("repository-picker").getByRole("option", { name: label });
    await expect(option).toBeVisible();
    await option.click();
    await expect(this.repositoryValue).toHaveText(label);
  }

  async chooseBranch(search: string, name: string) {
    await this.branch.click();
    await this.search("Branch").fill(search);
    const option = this.page.getByTestId("branch-picker").getByRole("option", { name });
    await expect(option).toBeVisible();
    await option.click();
    await expect(this.branchValue).toHaveText(name);
  }

  /** Repository, default branch and task, then Launch; resolves on the conversation page. */
  async launchTask(task: string, repo: { search: string; label: string | RegExp } = { search: "hello", label: /demo \/ hello-app/ }) {
    await this.goto();
    await this.chooseRepository(repo.search, repo.label);
    await this.task.fill(task);
    await this.launch.click();
    await expect(this.page).toHaveURL(/\/conversations\/[0-9a-f-]{36}$/);
  }
}
