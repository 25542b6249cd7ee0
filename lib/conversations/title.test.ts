import { describe, expect, it } from "vitest";
import { titleOf } from "./launch";

describe("titleOf", () => {
  it("is the task's first non-empty line", () => {
    expect(titleOf("\n  Fix the cart  \nmore")).toBe("Fix the cart");
  });

  it("says it was cut: at a word, with an ellipsis", () => {
    const long = `${"word ".repeat(40)}end`;
    const title = titleOf(long);
    expect(title.length).toBeLessThanOrEqual(120);
    expect(title.endsWith("word…")).toBe(true);
  });
});
