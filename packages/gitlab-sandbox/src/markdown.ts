// The sandbox's server-rendered pages turn comments and descriptions into HTML with a maintained,
// sanitizing unified pipeline (remark → rehype → rehype-sanitize), as GitLab renders Markdown and
// then sanitizes it. Raw HTML in the text is dropped (remark-rehype never passes it through), which
// also hides the HTML comments the bot uses as markers, as GitLab does; rehype-sanitize's schema
// (GitHub's) then removes anything dangerous that Markdown itself can produce, such as
// `javascript:` links. Links get rel="nofollow noreferrer noopener".
import rehypeSanitize from "rehype-sanitize";
import rehypeStringify from "rehype-stringify";
import remarkBreaks from "remark-breaks";
import remarkGfm from "remark-gfm";
import remarkParse from "remark-parse";
import remarkRehype from "remark-rehype";
import { unified } from "unified";

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

interface HastNode {
  type: string;
  tagName?: string;
  properties?: Record<string, unknown>;
  children?: HastNode[];
}

/** A rehype plugin: every link gets rel="nofollow noreferrer noopener" (after sanitizing). */
function rehypeLinkRel() {
  const visit = (node: HastNode) => {
    if (node.type === "element" && node.tagName === "a") node.properties = { ...node.properties, rel: ["nofollow", "noreferrer", "noopener"] };
    node.children?.forEach(visit);
  };
  return (tree: HastNode) => visit(tree);
}

const processor = unified().use(remarkParse).use(remarkGfm).use(remarkBreaks).use(remarkRehype).use(rehypeSanitize).use(rehypeLinkRel).use(rehypeStringify);

export function renderMarkdown(md: string): string {
  return String(processor.processSync(md.replace(/\0/g, "")));
}
