import Link from "next/link";
import type { Conversation } from "@/db/schema";
import { triggerWords } from "@/lib/conversations/links";
import { StatusBadge } from "./status-badge";

/**
 * One conversation in a list (home page's recent ones, the Conversations page): a human title, the
 * request when it adds something, the repository, the trigger in words and how it ended.
 */
export function ConversationRow({ conversation: c, request, showTime = false }: { conversation: Conversation; request?: string | null; showTime?: boolean }) {
  const showRequest = request && request !== c.title;
  return (
    <Link href={`/conversations/${c.id}`} className="flex items-center justify-between gap-4 px-4 py-3 hover:bg-slate-50" data-testid="conversation-row">
      <span className="min-w-0">
        <span className="block truncate font-medium" data-testid="conversation-row-title">
          {c.title || `${c.projectPath} @ ${c.branch}`}
        </span>
        {showRequest ? (
          <span className="block truncate text-sm text-slate-600" data-testid="conversation-row-request">
            {request}
          </span>
        ) : null}
        <span className="block truncate text-xs text-slate-500">
          <span data-testid="conversation-row-repository">{c.projectPath}</span> · <span data-testid="conversation-row-trigger">{triggerWords(c)}</span>
          {showTime ? ` · ${c.createdAt.toISOString().slice(0, 16).replace("T", " ")} UTC` : null}
        </span>
      </span>
      <StatusBadge status={c.status} outcome={c.outcome} />
    </Link>
  );
}
