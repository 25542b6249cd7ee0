import Link from "next/link";
import { redirect } from "next/navigation";
import { z } from "zod";
import { getDb } from "@/db";
import { conversationStatuses, conversationTriggers } from "@/db/schema";
import { PageHeader } from "@/components/app-shell";
import { EmptyState } from "@/components/ui/empty-state";
import { ConversationRow } from "@/components/conversation-row";
import { currentUser } from "@/lib/auth/current-user";
import { listConversations } from "@/lib/conversations/queries";
import { withRequests } from "@/lib/conversations/list-rows";

export const metadata = { title: "Conversations" };
export const dynamic = "force-dynamic";

const filters = z.object({
  status: z.enum(conversationStatuses).optional().catch(undefined),
  trigger: z.enum(conversationTriggers).optional().catch(undefined),
  cursor: z.string().max(200).optional().catch(undefined),
});

const statusFilterWords = { queued: "Queued", starting: "Starting", running: "Running", finished: "Finished", failed: "Failed", cancelled: "Cancelled" } as const;
const triggerFilterWords = { ui: "App", issue: "Issue", merge_request: "Merge request", api: "API" } as const;

function href(params: Record<string, string | undefined>) {
  const q = new URLSearchParams(Object.entries(params).filter((e): e is [string, string] => !!e[1]));
  const s = q.toString();
  return `/conversations${s ? `?${s}` : ""}`;
}

export default async function ConversationsPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  const user = await currentUser();
  if (!user) redirect("/sign-in?callbackUrl=/conversations");
  const f = filters.parse(await searchParams);
  const { db } = await getDb();
  const { items, nextCursor } = await listConversations(db, { userId: user.id, status: f.status, trigger: f.trigger, cursor: f.cursor, limit: 25 });
  const rows = await withRequests(db, items);
  const chip = (active: boolean) => `rounded-full border px-3 py-1 text-xs ${active ? "border-brand-500 bg-brand-50 text-brand-700" : "border-slate-300 text-slate-600 hover:bg-slate-100"}`;
  return (
    <>
      <PageHeader title="Conversations" description="Every run of the agent, from the app, GitLab issues, merge requests and the API." />
      <div className="mb-4 flex flex-wrap items-center gap-2" aria-label="Filters">
        <span className="text-xs font-medium uppercase text-slate-500">Status</span>
        <Link className={chip(!f.status)} href={href({ trigger: f.trigger })}>
          All
        </Link>
        {conversationStatuses.map((s) => (
          <Link key={s} className={chip(f.status === s)} href={href({ status: s, trigger: f.trigger })}>
            {statusFilterWords[s]}
          </Link>
        ))}
        <span className="ml-4 text-xs font-medium uppercase text-slate-500">Trigger</span>
        <Link className={chip(!f.trigger)} href={href({ status: f.status })}>
          All
        </Link>
        {conversationTriggers.map((t) => (
          <Link key={t} className={chip(f.trigger === t)} href={href({ status: f.status, trigger: t })}>
            {triggerFilterWords[t]}
          </Link>
        ))}
      </div>
      {items.length === 0 ? (
        <EmptyState title={f.status || f.trigger ? "No conversations match these filters" : "No conversations yet"}>
          {f.status || f.trigger ? <Link href="/conversations" className="underline">Clear filters</Link> : <Link href="/" className="underline">Launch one from Open Repository</Link>}
        </EmptyState>
      ) : (
        <ul className="divide-y divide-slate-200 rounded-lg border border-slate-200 bg-white" data-testid="conversation-list">
          {rows.map(({ conversation: c, request }) => (
            <li key={c.id}>
              <ConversationRow conversation={c} request={request} showTime />
            </li>
          ))}
        </ul>
      )}
      {nextCursor ? (
        <div className="mt-4 text-center">
          <Link className="text-sm text-brand-700 underline" href={href({ status: f.status, trigger: f.trigger, cursor: nextCursor })}>
            Older conversations
          </Link>
        </div>
      ) : null}
    </>
  );
}
