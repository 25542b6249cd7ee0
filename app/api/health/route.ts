import { getDb } from "@/db";
import { getQueue } from "@/lib/jobs/send";
import { checkHealth } from "@/lib/health";
import { appVersion } from "@/lib/version";
import { sandboxHealth, sandboxSettings } from "@/lib/agent/sandbox";

export const dynamic = "force-dynamic";

export async function GET() {
  const report = await checkHealth(getDb, getQueue, appVersion, async () => (sandboxSettings().enabled ? sandboxHealth() : { off: true }));
  return Response.json(report, { status: report.status === "ok" ? 200 : 503, headers: { "cache-control": "no-store" } });
}
