import { describe, expect, it } from "vitest";
import { issueBranchName, slugify } from "./branch-name";

describe("issue branch names", () => {
  it("is openhands/issue-<iid>-<slug>", () => {
    expect(issueBranchName(12, "Fix the README typo!")).toBe("openhands/issue-12-fix-the-readme-typo");
  });

  it("keeps the slug to ASCII letters, digits and single dashes", () => {
    expect(slugify("Crème brûlée: ½ done -- (again)")).toBe("creme-brulee-1-2-done-again");
    expect(slugify("../../etc/passwd")).toBe("etc-passwd");
    expect(slugify("feature~1^{}@{")).toBe("feature-1");
  });

  it("caps long titles at a word boundary", () => {
    const slug = slugify("Implement the very long feature request that somebody wrote in one breath");
    expect(slug.length).toBeLessThanOrEqual(40);
    expect(slug.endsWith("-")).toBe(false);
    expect(slug).toBe("implement-the-very-long-feature-request");
  });

  it("falls back to the iid alone when the title has no usable characters", () => {
    expect(issueBranchName(7, "😀😀")).toBe("openhands/issue-7");
  });
});
