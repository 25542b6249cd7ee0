import { redirect } from "next/navigation";
import { getDb } from "@/db";
import { listApiKeys } from "@/lib/api-keys/keys";
import { currentUser } from "@/lib/auth/current-user";
import { getEnv } from "@/lib/env";
import { ApiKeysClient, type ApiKeyRow } from "./api-keys-client";

export const metadata = { title: "API Keys" };
export const dynamic = "force-dynamic";

export default async function ApiKeysPage() {
  const user = await currentUser();
  if (!user) redirect("/sign-in?callbackUrl=/settings/api-keys");
  const { db } = await getDb();
  const keys = await listApiKeys(db, user.id);
  // Dates cross to the client island as ISO strings, formatted the same way on server and client.
  const rows: ApiKeyRow[] = keys.map((k) => ({
    id: k.id,
    name: k.name,
    prefix: k.prefix,
    status: k.status,
    createdAt: k.createdAt.toISOString(),
    lastUsedAt: k.lastUsedAt?.toISOString() ?? null,
    expiresAt: k.expiresAt?.toISOString() ?? null,
  }));
  return <ApiKeysClient keys={rows} apiBaseUrl={`${getEnv().APP_URL}/api/v1`} />;
}
