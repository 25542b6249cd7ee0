import { describe, expect, it } from "vitest";
import { renderMarkdown } from "./render";

describe("renderMarkdown (agent and user messages)", () => {
  it("renders the usual subset", () => {
    expect(renderMarkdown("# Title\n\nSome **bold** and `code`.\n\n- a\n- b")).toBe(
      "<h1>Title</h1>\n<p>Some <strong>bold</strong> and <code>code</code>.</p>\n<ul>\n<li>a</li>\n<li>b</li>\n</ul>",
    );
    expect(renderMarkdown("```ts\nconst a = 1 < 2;\n```")).toBe('<pre><code class="language-ts">const a = 1 &lt; 2;\n</code></pre>');
  });

  it("never lets HTML or script URLs through", () => {
    const html = renderMarkdown('<script>alert(1)</script> <img src=x onerror="alert(1)"> [x](javascript:alert(1)) [y](https://ok.example/)');
    expect(html).not.toMatch(/<script|<img|javascript:/i);
    expect(html).toContain("&lt;script&gt;");
    expect(html).toContain('<a href="https://ok.example/" rel="nofollow noreferrer noopener">y</a>');
  });
});
