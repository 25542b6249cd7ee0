import type { WebhookInstallation } from "@/db/schema";

/**
 * What recovery did for one hook, for the Integrations page (snake_case like the rest of the API),
 * and the sentences a user reads there. Dates are formatted by the caller (the browser's locale).
 */
export interface RecoveryInfo {
  ran_at: string | null;
  recovered: number;
  reenabled_at: string | null;
  reenabled_count: number;
  error: string | null;
}

export function toRecoveryInfo(row: Pick<WebhookInstallation, "recoveryRanAt" | "recoveredCount" | "reenabledAt" | "reenabledCount" | "recoveryError"> | null): RecoveryInfo | null {
  if (!row) return null;
  return {
    ran_at: row.recoveryRanAt?.toISOString() ?? null,
    recovered: row.recoveredCount ?? 0,
    reenabled_at: row.reenabledAt?.toISOString() ?? null,
    reenabled_count: row.reenabledCount ?? 0,
    error: row.recoveryError ?? null,
  };
}

const times = (n: number): string => (n === 1 ? "once" : n === 2 ? "twice" : `${n} times`);

export function recoverySentences(info: RecoveryInfo, formatDate: (iso: string) => string): string[] {
  const out: string[] = [];
  if (info.recovered > 0) {
    out.push(`${info.recovered === 1 ? "1 missed delivery" : `${info.recovered} missed deliveries`} recovered: requests GitLab could not deliver were picked up afterwards.`);
  }
  if (info.reenabled_at) {
    out.push(`GitLab disabled this webhook after failed deliveries; OpenHands re-enabled it ${times(info.reenabled_count)}, last on ${formatDate(info.reenabled_at)}.`);
  }
  out.push(info.ran_at ? `Missed deliveries last checked ${formatDate(info.ran_at)}.` : "Missed deliveries not checked yet.");
  if (info.error) out.push(`The last check could not finish: ${info.error}`);
  return out;
}
