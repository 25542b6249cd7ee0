import { describe, expect, it } from "vitest";
import { deliveryEventWords, deliveryReasonWords } from "./delivery-words";

describe("delivery words", () => {
  it("says reasons without ids or jargon", () => {
    expect(deliveryReasonWords("comment written by the app (bot marker)")).not.toMatch(/bot marker/);
    const dup = deliveryReasonWords("duplicate: this comment 300009 on issue #3 is already handled by conversation 0b6f5a4e-4a4b-4c1e-9d0f-3e2a1b0c9d8e");
    expect(dup).toBe("already handled: the same comment on issue #3 arrived twice (GitLab resent it, or two webhooks cover the project)");
    expect(dup).not.toMatch(/300009/);
    expect(deliveryReasonWords("system note")).toMatch(/not a comment/);
    expect(deliveryReasonWords("something new")).toBe("something new");
  });

  it("names events as GitLab users know them", () => {
    expect(deliveryEventWords("Note Hook")).toBe("Comment");
    expect(deliveryEventWords("Merge Request Hook")).toBe("Merge request");
  });
});
