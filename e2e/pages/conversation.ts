import { expect, type Locator, type Page } from "@playwright/test";

export class ConversationPage {
  readonly status: Locator;
  readonly events: Locator;
  readonly summary: Locator;

  constructor(readonly page: Page) {
    this.status = page.getByTestId("conversation-header").getByTestId("status-badge");
    this.events = page.getByTestId("timeline-event");
    this.summary = page.getByTestId("conversation-summary");
  }

  event(kind: string): Locator {
    return this.page.locator(`[data-testid="timeline-event"][data-kind="${kind}"]`);
  }

  /** Waits for the badge's words: "Running", then "Resolved", "Not resolved", "Failed", … */
  async waitForStatus(status: string, timeout = 30_000) {
    await expect(this.status).toHaveText(status, { timeout });
  }
}

/** A sandbox REST call as the demo user, with a token minted through the sandbox control API. */
export async function sandboxApi(sandboxUrl: string, path: string): Promise<Response> {
  const mint = await fetch(`${sandboxUrl}/-/sandbox/oauth/tokens`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username: "demo" }),
  });
  const { access_token } = (await mint.json()) as { access_token: string };
  return fetch(`${sandboxUrl}/api/v4${path}`, { headers: { authorization: `Bearer ${access_token}` } });
}
