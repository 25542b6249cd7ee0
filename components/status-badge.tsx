import type { ConversationOutcome, ConversationStatus } from "@/db/schema";
import { conversationVerdict, verdictLabel, verdictTone } from "@/lib/conversations/outcome";
import { Badge } from "./ui/badge";

/**
 * A conversation's badge: its status while it runs, how it ended once it has (Resolved, Not
 * resolved, Failed, Cancelled, Timed out). `data-verdict` is the machine-readable form.
 */
export function StatusBadge({ status, outcome }: { status: ConversationStatus; outcome: ConversationOutcome | null }) {
  const verdict = conversationVerdict(status, outcome);
  return (
    <Badge tone={verdictTone[verdict]} data-testid="status-badge" data-verdict={verdict} data-status={status}>
      {status === "running" ? <span aria-hidden className="mr-1.5 h-1.5 w-1.5 animate-pulse rounded-full bg-current" /> : null}
      {verdictLabel[verdict]}
    </Badge>
  );
}
