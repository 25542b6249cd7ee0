import { expect, type Locator, type Page } from "@playwright/test";

export class OpenRepositoryPage {
  readonly repository: Locator;
  readonly branch: Locator;
  readonly launch: Locator;

  constructor(readonly page: Page) {
    this.repository = page.getByTestId("repository-picker").getByRole("combobox");
    this.branch = page.getByTestId("branch-picker").getByRole("combobox");
    this.launch = page.getByRole("button", { name: "Launch" });
  }

  async goto() {
    await this.page.goto("/");
    await expect(this.page.getByRole("heading", { name: "Open Repository" })).toBeVisible();
  }

  /** Type into the repository search and pick the option whose text contains `label`. */
  async chooseRepository(search: string, label: string | RegExp) {
    await this.repository.click();
    await this.repository.fill(search);
    const option = this.page.getByTestId("repository-picker").getByRole("option", { name: label });
    await expect(option).toBeVisible();
    await option.click();
  }

  async chooseBranch(search: string, name: string) {
    await this.branch.click();
    await this.branch.fill(search);
    const option = this.page.getByTestId("branch-picker").getByRole("option", { name });
    await expect(option).toBeVisible();
    await option.click();
  }
}
