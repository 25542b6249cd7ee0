import ReactMarkdown, { type Components } from "react-markdown";
import remarkBreaks from "remark-breaks";
import remarkGfm from "remark-gfm";

/**
 * Markdown from agents and users, through react-markdown + remark-gfm (tables, task lists,
 * strikethrough, autolinks) + remark-breaks. Safety: agent text derives from untrusted issue text, so nothing here
 * turns text into markup. react-markdown builds React elements (never innerHTML), shows raw HTML as
 * literal text, and its default URL transform drops `javascript:` and other unsafe link targets.
 * HTML comments vanish, as on GitLab, because the bot hides machine-readable markers in them.
 */
const markdownClass =
  "min-w-0 break-words text-sm leading-6 [&_a]:text-brand-700 [&_a]:underline [&_blockquote]:border-l-4 [&_blockquote]:border-slate-200 [&_blockquote]:pl-3 [&_code]:rounded [&_code]:bg-slate-100 [&_code]:px-1 [&_code]:font-mono [&_code]:text-[0.85em] [&_h1]:text-lg [&_h1]:font-semibold [&_h2]:font-semibold [&_h3]:font-semibold [&_li]:ml-5 [&_ol]:list-decimal [&_p]:my-1.5 [&_pre]:my-2 [&_pre]:overflow-x-auto [&_pre]:rounded-md [&_pre]:bg-slate-900 [&_pre]:p-3 [&_pre]:text-slate-100 [&_pre_code]:bg-transparent [&_pre_code]:p-0 [&_pre_code]:text-slate-100 [&_ul]:list-disc [&_.contains-task-list]:list-none [&_.task-list-item]:ml-0 [&_.task-list-item_input]:mr-2 [&_table]:my-2 [&_table]:block [&_table]:overflow-x-auto [&_td]:border [&_td]:border-slate-200 [&_td]:px-2 [&_td]:py-1 [&_th]:border [&_th]:border-slate-200 [&_th]:bg-slate-50 [&_th]:px-2 [&_th]:py-1 [&_th]:text-left";

const components: Components = {
  a: ({ href, children }) => (
    <a href={href} target="_blank" rel="nofollow noreferrer noopener">
      {children}
    </a>
  ),
};

interface MdNode {
  type: string;
  value?: string;
  children?: MdNode[];
}

/** A remark plugin: drops `<!-- … -->` HTML nodes (GitLab hides them too). */
function remarkDropHtmlComments() {
  const strip = (node: MdNode) => {
    if (!node.children) return;
    node.children = node.children.filter((c) => !(c.type === "html" && /^\s*<!--[\s\S]*?(-->\s*)?$/.test(c.value ?? "")));
    node.children.forEach(strip);
  };
  return (tree: MdNode) => strip(tree);
}

// remark-breaks: a newline is a line break, as on GitLab, so a task written one instruction per
// line reads as it was written.
const remarkPlugins = [remarkGfm, remarkBreaks, remarkDropHtmlComments];

export function Markdown({ text, className = "" }: { text: string; className?: string }) {
  return (
    <div className={`${markdownClass} ${className}`} data-testid="markdown">
      <ReactMarkdown remarkPlugins={remarkPlugins} components={components}>
        {text}
      </ReactMarkdown>
    </div>
  );
}
