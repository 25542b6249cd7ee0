import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { Markdown } from "./markdown";

const html = (text: string) => renderToStaticMarkup(<Markdown text={text} />);

describe("Markdown", () => {
  it("renders tables and task lists (GitHub-flavoured Markdown)", () => {
    const out = html("| file | change |\n|---|---|\n| a.txt | created |\n\n- [x] done\n- [ ] todo");
    expect(out).toContain("<table>");
    expect(out).toContain("<td>a.txt</td>");
    expect(out).toContain('type="checkbox"');
    expect(out).toMatch(/checked=""/);
  });

  it("keeps the line breaks of a task written one instruction per line", () => {
    expect(html("create file a.txt\nfail: stop")).toContain("create file a.txt<br/>");
  });

  it("never turns untrusted text into markup", () => {
    const out = html('<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n[click](javascript:alert(1)) [data](data:text/html,<b>x</b>)');
    expect(out).not.toContain("<script");
    expect(out).not.toContain("<img");
    expect(out).not.toContain("javascript:");
    expect(out).not.toContain("data:text/html");
    expect(out).toContain("&lt;script&gt;");
  });

  it("hides HTML comments, as GitLab does, and opens links in a new tab without a referrer", () => {
    const out = html("Hello <!-- bot:marker {\"id\":1} --> world\n\n<!--\nhidden\n-->\n\n[docs](https://docs.gitlab.com)");
    expect(out).not.toContain("bot:marker");
    expect(out).not.toContain("hidden");
    expect(out).toContain('href="https://docs.gitlab.com" target="_blank" rel="nofollow noreferrer noopener"');
  });
});
