import { buildOpenApiDocument } from "@/lib/cloud-api/openapi";
import { getEnv } from "@/lib/env";
import { appVersion } from "@/lib/version";

export const dynamic = "force-dynamic";

/** Public on purpose: the contract is not a secret, and clients fetch it before they have a key. */
export function GET(): Response {
  const doc = buildOpenApiDocument({ serverUrl: `${getEnv().APP_URL}/api/v1`, version: appVersion });
  return Response.json(doc, { headers: { "cache-control": "public, max-age=300" } });
}
