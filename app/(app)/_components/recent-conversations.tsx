import Link from "next/link";
import { getDb } from "@/db";
import { listConversations } from "@/lib/conversations/queries";
import { withRequests } from "@/lib/conversations/list-rows";
import { ConversationRow } from "@/components/conversation-row";

export async function RecentConversations({ userId }: { userId: string }) {
  const { db } = await getDb();
  const { items } = await listConversations(db, { userId, limit: 5 });
  if (items.length === 0) return null;
  const rows = await withRequests(db, items);
  return (
    <section className="mt-8">
      <div className="mb-3 flex items-baseline justify-between">
        <h2 className="text-lg font-semibold">Recent conversations</h2>
        <Link href="/conversations" className="text-sm text-brand-700 underline">
          All conversations
        </Link>
      </div>
      <ul className="divide-y divide-slate-200 rounded-lg border border-slate-200 bg-white">
        {rows.map(({ conversation: c, request }) => (
          <li key={c.id}>
            <ConversationRow conversation={c} request={request} />
          </li>
        ))}
      </ul>
    </section>
  );
}
