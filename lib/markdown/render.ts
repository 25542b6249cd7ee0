// Safe Markdown for agent and user messages (copied from the GitLab sandbox renderer,
// e2e/gitlab-sandbox/markdown.ts, so the app never imports test code).
//
// Safety model: raw HTML is never passed through — every text piece is escaped, and links keep
// only http(s) or relative targets. HTML comments vanish entirely, as they do when GitLab renders
// them (our bot hides machine-readable markers in comments).

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

const FENCE = /^ {0,3}(`{3,}|~{3,})\s*([^\s`]*)/;
const HEADING = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/;
const RULE = /^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$/;
const QUOTE = /^ {0,3}> ?/;
const LIST_ITEM = /^( {0,3})([-*+]|(\d{1,9})[.)])([ \t]+|$)(.*)$/;

export function renderMarkdown(md: string): string {
  const text = removeHtmlComments(md.replace(/\r\n?/g, "\n").replace(/\0/g, ""));
  return renderBlocks(text.split("\n"));
}

/**
 * Drops `<!-- ... -->` (an unclosed one runs to the end, like a CommonMark HTML block) but
 * leaves comment-like text inside fenced code blocks alone.
 */
function removeHtmlComments(text: string): string {
  const out: string[] = [];
  let fence: string | null = null;
  let inComment = false;
  for (const line of text.split("\n")) {
    if (fence !== null && !inComment) {
      out.push(line);
      if (new RegExp(`^ {0,3}${fence[0] === "`" ? "`" : "~"}{${fence.length},}\\s*$`).test(line)) fence = null;
      continue;
    }
    const opener = !inComment ? FENCE.exec(line) : null;
    if (opener?.[1]) {
      fence = opener[1];
      out.push(line);
      continue;
    }
    let rest = line;
    let kept = "";
    let touched = inComment;
    for (;;) {
      if (inComment) {
        const end = rest.indexOf("-->");
        if (end < 0) { rest = ""; break; }
        rest = rest.slice(end + 3);
        inComment = false;
      }
      const start = rest.indexOf("<!--");
      if (start < 0) break;
      kept += rest.slice(0, start);
      rest = rest.slice(start + 4);
      inComment = true;
      touched = true;
    }
    kept += rest;
    // Lines wholly inside a multi-line comment disappear; others keep their place (maybe as a blank line).
    if (!(touched && inComment && kept === "" && !line.includes("<!--"))) out.push(touched && kept.trim() === "" ? "" : kept);
  }
  return out.join("\n");
}

function isBlockStart(line: string): boolean {
  return FENCE.test(line) || HEADING.test(line) || RULE.test(line) || QUOTE.test(line) || LIST_ITEM.test(line);
}

function renderBlocks(lines: string[]): string {
  const html: string[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i] ?? "";
    if (line.trim() === "") { i++; continue; }
    const fence = FENCE.exec(line);
    if (fence?.[1]) {
      const close = new RegExp(`^ {0,3}${fence[1][0] === "`" ? "`" : "~"}{${fence[1].length},}\\s*$`);
      const body: string[] = [];
      for (i++; i < lines.length && !close.test(lines[i] ?? ""); i++) body.push(lines[i] ?? "");
      i++;
      const lang = fence[2] ? ` class="language-${escapeHtml(fence[2])}"` : "";
      html.push(`<pre><code${lang}>${escapeHtml(body.join("\n"))}${body.length > 0 ? "\n" : ""}</code></pre>`);
      continue;
    }
    const heading = HEADING.exec(line);
    if (heading?.[1]) {
      const level = heading[1].length;
      html.push(`<h${level}>${renderInline(heading[2] ?? "")}</h${level}>`);
      i++;
      continue;
    }
    if (RULE.test(line)) { html.push("<hr>"); i++; continue; }
    if (QUOTE.test(line)) {
      const inner: string[] = [];
      for (; i < lines.length && QUOTE.test(lines[i] ?? ""); i++) inner.push((lines[i] ?? "").replace(QUOTE, ""));
      html.push(`<blockquote>${renderBlocks(inner)}</blockquote>`);
      continue;
    }
    if (LIST_ITEM.test(line)) { i = renderList(lines, i, html); continue; }
    const para: string[] = [];
    for (; i < lines.length && (lines[i] ?? "").trim() !== "" && (para.length === 0 || !isBlockStart(lines[i] ?? "")); i++) para.push((lines[i] ?? "").trim());
    // GitLab renders single newlines inside a paragraph as line breaks.
    html.push(`<p>${para.map(renderInline).join("<br>\n")}</p>`);
  }
  return html.join("\n");
}

function leadingSpaces(line: string): number {
  return line.length - line.trimStart().length;
}

/** Renders the list starting at lines[start]; returns the index after it. */
function renderList(lines: string[], start: number, html: string[]): number {
  const first = LIST_ITEM.exec(lines[start] ?? "");
  const ordered = first?.[3] !== undefined;
  const items: string[][] = [];
  let loose = false;
  let i = start;
  while (i < lines.length) {
    const m = LIST_ITEM.exec(lines[i] ?? "");
    if (!m || (m[3] !== undefined) !== ordered) break;
    const indent = (m[1] ?? "").length + (m[2] ?? "").length + Math.min((m[4] ?? " ").length || 1, 4);
    const item = [m[5] ?? ""];
    for (i++; i < lines.length; i++) {
      const l = lines[i] ?? "";
      if (l.trim() === "") {
        const next = lines[i + 1] ?? "";
        if (next.trim() !== "" && leadingSpaces(next) >= indent) { item.push(""); loose = true; continue; }
        break;
      }
      if (leadingSpaces(l) >= indent) item.push(l.slice(indent));
      else if (!isBlockStart(l)) item.push(l.trim()); // lazy paragraph continuation
      else break;
    }
    items.push(item);
    const following = LIST_ITEM.exec(lines[i + 1] ?? "");
    if ((lines[i] ?? "").trim() === "" && following && (following[3] !== undefined) === ordered) { loose = true; i++; }
  }
  const startNo = ordered ? Number.parseInt(first?.[3] ?? "1", 10) : 1;
  const tag = ordered ? "ol" : "ul";
  const open = ordered && startNo !== 1 ? `<ol start="${startNo}">` : `<${tag}>`;
  const rendered = items.map((item) => {
    const body = renderBlocks(item);
    return `<li>${loose ? body : body.replace(/<\/?p>/g, "")}</li>`;
  });
  html.push(`${open}\n${rendered.join("\n")}\n</${tag}>`);
  return i;
}

/** Keeps http(s) and relative URLs; anything with another scheme (javascript:, data:, ...) is refused. */
function safeUrl(raw: string): string | null {
  // Browsers ignore control characters and whitespace inside a URL's scheme, so strip them before judging.
  const url = raw.replace(/[\u0000-\u0020\u007f]/g, "");
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url);
  if (scheme) return /^https?$/i.test(scheme[1] ?? "") ? url : null;
  return url;
}

function renderInline(text: string): string {
  const slots: string[] = [];
  let html = inlineWithSlots(text, slots);
  // Slots may hold other slots (a link label with code), so restore until none are left.
  while (/\u0000\d+\u0000/.test(html)) html = html.replace(/\u0000(\d+)\u0000/g, (_, n: string) => slots[Number(n)] ?? "");
  return html;
}

/** Finished HTML pieces go into `slots` behind NUL-delimited placeholders so later passes cannot touch them. */
function inlineWithSlots(text: string, slots: string[], autolink = true): string {
  const hold = (html: string): string => `\u0000${slots.push(html) - 1}\u0000`;
  let s = text.replace(/\\([\\`*_{}[\]()#+\-.!>~|])/g, (_, c: string) => hold(escapeHtml(c)));
  s = s.replace(/(`+)([^`]|[^`][\s\S]*?[^`])\1(?!`)/g, (_, _ticks: string, code: string) => hold(`<code>${escapeHtml(code.replace(/^ (.*) $/, "$1"))}</code>`));
  s = s.replace(/!?\[([^\]]*)\]\(\s*<?([^)\s>]*)>?(?:\s+"[^"]*")?\s*\)/g, (_, label: string, href: string) => {
    const url = safeUrl(href);
    const inner = inlineWithSlots(label, slots, false); // no links inside links
    return hold(url === null ? inner : `<a href="${escapeHtml(url)}" rel="nofollow noreferrer noopener">${inner}</a>`);
  });
  if (autolink) s = s.replace(/<?(https?:\/\/[^\s<>\u0000]*[^\s<>\u0000.,:;"')\]])>?/g, (_, url: string) => hold(`<a href="${escapeHtml(url)}" rel="nofollow noreferrer noopener">${escapeHtml(url)}</a>`));
  return escapeHtml(s)
    .replace(/\*\*(?=\S)([\s\S]*?\S)\*\*/g, "<strong>$1</strong>")
    .replace(/(^|[^\w])__(?=\S)([\s\S]*?\S)__(?!\w)/g, "$1<strong>$2</strong>")
    .replace(/\*(?=\S)([^*]*?\S)\*/g, "<em>$1</em>")
    .replace(/(^|[^\w])_(?=\S)([^_]*?\S)_(?!\w)/g, "$1<em>$2</em>")
    .replace(/~~(?=\S)([\s\S]*?\S)~~/g, "<del>$1</del>");
}
