import type { ConversationStatus } from "@/db/schema";

const styles: Record<ConversationStatus, string> = {
  queued: "bg-slate-100 text-slate-700",
  starting: "bg-sky-100 text-sky-800",
  running: "bg-blue-100 text-blue-800",
  finished: "bg-emerald-100 text-emerald-800",
  failed: "bg-red-100 text-red-800",
  cancelled: "bg-zinc-200 text-zinc-700",
};

export function StatusBadge({ status }: { status: ConversationStatus }) {
  return (
    <span data-testid="status-badge" className={`inline-flex items-center rounded-full px-2.5 py-0.5 text-xs font-medium ${styles[status]}`}>
      {status === "running" ? <span aria-hidden className="mr-1.5 h-1.5 w-1.5 animate-pulse rounded-full bg-current" /> : null}
      {status}
    </span>
  );
}
