import Link from "next/link";
import type { Conversation } from "@/db/schema";
import { StatusBadge } from "./status-badge";

/** One conversation in a list (home page's recent ones, the Conversations page). */
export function ConversationRow({ conversation: c, showTime = false }: { conversation: Conversation; showTime?: boolean }) {
  return (
    <Link href={`/conversations/${c.id}`} className="flex items-center justify-between gap-4 px-4 py-3 hover:bg-slate-50">
      <span className="min-w-0">
        <span className="block truncate font-medium">{c.title}</span>
        <span className="text-xs text-slate-500">
          {c.projectPath} @ {c.branch} · {c.trigger.replace("_", " ")}
          {showTime ? ` · ${c.createdAt.toISOString().slice(0, 16).replace("T", " ")} UTC` : null}
        </span>
      </span>
      <StatusBadge status={c.status} />
    </Link>
  );
}
