import { redirect } from "next/navigation";
import { getDb } from "@/db";
import { currentUser } from "@/lib/auth/current-user";
import { listSecrets } from "@/lib/secrets/queries";
import type { SecretRow } from "./secret-row";
import { SecretsClient } from "./secrets-client";

export const metadata = { title: "Secrets" };
export const dynamic = "force-dynamic";

export default async function SecretsPage() {
  const user = await currentUser();
  if (!user) redirect("/sign-in?callbackUrl=/settings/secrets");
  const { db } = await getDb();
  // Names and descriptions only: values are write-only once saved and never leave the server.
  const rows: SecretRow[] = (await listSecrets(db, user.id)).map((s) => ({ id: s.id, name: s.name, description: s.description, updatedAt: s.updatedAt.toISOString() }));
  return <SecretsClient secrets={rows} />;
}
