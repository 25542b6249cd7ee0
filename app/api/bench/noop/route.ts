import { getEnv } from "@/lib/env";

export const dynamic = "force-dynamic";

/**
 * The baseline for `npm run bench:ingest`: a POST handler that reads the body and answers 202, so
 * the benchmark can report the webhook receiver's throughput as a ratio of what this app can serve
 * at all. Only enabled with BENCH_ROUTES=1; otherwise it answers 404 like a missing route.
 */
export async function POST(req: Request): Promise<Response> {
  if (!getEnv().BENCH_ROUTES) return new Response(null, { status: 404 });
  await req.arrayBuffer();
  return Response.json({ status: "accepted" }, { status: 202 });
}
