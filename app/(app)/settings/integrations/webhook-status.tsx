import { recoverySentences } from "@/lib/webhook-installations/recovery-view";
import type { WebhookRow } from "@/lib/webhook-installations/view";
import { Badge, type BadgeTone } from "@/components/ui/badge";

const badges: Record<WebhookRow["status"], { label: string; tone: BadgeTone }> = {
  installed: { label: "Installed", tone: "success" },
  not_installed: { label: "Not Installed", tone: "muted" },
  failed: { label: "Failed", tone: "danger" },
};

/** The seed's three statuses: `Installed` (green), `Not Installed` (grey), `Failed` (red). */
export function WebhookStatusBadge({ status, testId }: { status: WebhookRow["status"]; testId: string }) {
  const badge = badges[status];
  return (
    <Badge tone={badge.tone} data-testid={testId} data-status={status}>
      {badge.label}
    </Badge>
  );
}

/** GitLab's own verdict on a hook that keeps failing (WebHooks::AutoDisabling). */
export function AlertStatus({ row }: { row: Pick<WebhookRow, "alert_status" | "disabled_until" | "resource_type" | "resource_id"> }) {
  const testId = `webhook-alert-${row.resource_type}-${row.resource_id}`;
  if (row.alert_status === "temporarily_disabled") {
    const until = row.disabled_until ? new Date(row.disabled_until).toLocaleString() : null;
    return (
      <p data-testid={testId} className="mt-1 text-xs text-amber-700">
        Temporarily disabled by GitLab after repeated delivery failures{until ? ` (until ${until})` : ""}.
      </p>
    );
  }
  if (row.alert_status === "disabled") {
    return (
      <p data-testid={testId} className="mt-1 text-xs text-red-700">
        Disabled by GitLab after repeated delivery failures. Delete it in GitLab, then press Reinstall.
      </p>
    );
  }
  return null;
}

/** Missed deliveries recovered, the hook re-enabled after GitLab disabled it, and the last check. */
export function RecoveryStatus({ row }: { row: Pick<WebhookRow, "recovery" | "resource_type" | "resource_id"> }) {
  if (!row.recovery) return null;
  const lines = recoverySentences(row.recovery, (iso) => new Date(iso).toLocaleString());
  return (
    <div data-testid={`webhook-recovery-${row.resource_type}-${row.resource_id}`} className="mt-1 max-w-md space-y-0.5 text-xs text-slate-500">
      {lines.map((line) => (
        <p key={line}>{line}</p>
      ))}
    </div>
  );
}
