"use client";

import { useState } from "react";
import type { WebhookRow } from "@/lib/webhook-installations/view";

/**
 * "Review new merge requests" for one project or group (issue 18). Only owners and maintainers who
 * may manage the webhook can change it (the server checks again); a resource covered by a group's
 * webhook follows the group's setting.
 */
export function AutoReviewToggle({ row, testId }: { row: WebhookRow; testId: string }) {
  const [on, setOn] = useState(row.auto_review);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);

  if (row.covered_by) return <span className="text-xs text-slate-500">Set on {row.covered_by}</span>;

  async function change(enabled: boolean) {
    // Shown at once; put back if the server refuses.
    const before = on;
    setOn(enabled);
    setSaving(true);
    setError(null);
    try {
      const res = await fetch("/api/gitlab/webhooks/auto-review", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ resource_type: row.resource_type, resource_id: row.resource_id, enabled }),
      });
      const body: unknown = await res.json().catch(() => null);
      if (res.ok) setOn((body as { auto_review?: boolean } | null)?.auto_review === true);
      else {
        setOn(before);
        setError((body as { error?: { message?: string } } | null)?.error?.message ?? `The server answered ${res.status}.`);
      }
    } catch {
      setOn(before);
      setError("Could not reach the server. Try again.");
    } finally {
      setSaving(false);
    }
  }

  return (
    <div>
      <label className="flex items-center gap-2 text-sm text-slate-700">
        <input type="checkbox" data-testid={testId} checked={on} disabled={saving || !row.can_manage} onChange={(e) => void change(e.target.checked)} />
        Review new merge requests
      </label>
      {error ? (
        <p role="alert" className="mt-1 max-w-xs text-xs text-red-700">
          {error}
        </p>
      ) : null}
    </div>
  );
}
