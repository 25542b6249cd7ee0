import type { Conversation } from "@/db/schema";
import { shapeRedactor } from "@/lib/redaction";

/**
 * `openhands/<short id>-<slug of the title>`: recognisable on GitLab, unique per conversation, and
 * always a valid ref name (only [a-z0-9-] after the prefix).
 */
export function workBranchName(conversation: Pick<Conversation, "id" | "title">): string {
  // A title may quote a credential; it must not become a branch name on GitLab (issue 13).
  const slug = shapeRedactor
    .branchName(conversation.title)
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "") // accents, split off by NFKD
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 40)
    .replace(/-+$/g, "");
  const short = conversation.id.replace(/-/g, "").slice(0, 8);
  return slug ? `openhands/${short}-${slug}` : `openhands/${short}`;
}
