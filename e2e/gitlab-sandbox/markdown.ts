// The sandbox renders comments with the app's own safe markdown subset, so the bot's comments look
// the same on the sandbox's pages as in the app.
export { escapeHtml, renderMarkdown } from "@/lib/markdown/render";
