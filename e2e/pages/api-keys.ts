import { expect, type Locator, type Page } from "@playwright/test";

/** Settings › API Keys. */
export class ApiKeysPage {
  readonly name: Locator;
  readonly expiry: Locator;
  readonly create: Locator;
  readonly newKey: Locator;
  readonly newKeyPanel: Locator;
  readonly rows: Locator;

  constructor(readonly page: Page) {
    this.name = page.getByTestId("api-key-name");
    this.expiry = page.getByTestId("api-key-expiry");
    this.create = page.getByTestId("create-api-key");
    this.newKey = page.getByTestId("new-api-key");
    this.newKeyPanel = page.getByTestId("new-api-key-panel");
    this.rows = page.getByTestId("api-key-row");
  }

  async goto() {
    await this.page.goto("/settings/api-keys");
    await expect(this.page.getByRole("heading", { name: "Create an API key" })).toBeVisible();
  }

  row(name: string): Locator {
    return this.rows.filter({ has: this.page.getByTestId("api-key-row-name").getByText(name, { exact: true }) });
  }

  /** Creates a key and returns the plaintext shown (once) in the page. */
  async createKey(name: string, expiryLabel?: string): Promise<string> {
    await this.name.fill(name);
    if (expiryLabel) await this.expiry.selectOption({ label: expiryLabel });
    await this.create.click();
    await expect(this.newKeyPanel).toBeVisible();
    return this.newKey.inputValue();
  }

  async revoke(name: string) {
    const row = this.row(name);
    await row.getByTestId("revoke-api-key").click();
    await row.getByTestId("confirm-revoke-api-key").click();
    await expect(row.getByTestId("api-key-row-status")).toHaveText("revoked");
  }
}
