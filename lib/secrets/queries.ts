import { and, asc, eq } from "drizzle-orm";
import type { Database } from "@/db/client";
import { secrets } from "@/db/schema";
import { appCipher, type CipherKit } from "@/lib/crypto";
import { log } from "@/lib/log";
import { AppError } from "@/lib/http/app-error";
import { isUuid } from "@/lib/conversations/queries";
import { secretDescriptionSchema, secretNameSchema, secretValueSchema } from "./validation";

/** What the settings page shows: never the value, which is write-only once saved. */
export interface SecretSummary {
  id: string;
  name: string;
  description: string;
  createdAt: Date;
  updatedAt: Date;
}

interface CipherOption {
  /** defaults to appCipher(); tests pass their own */
  cipher?: CipherKit;
}

/** The AAD binds a ciphertext to its owner and name: a value copied to another row does not decrypt. */
const aad = (userId: string, name: string) => `secrets:${userId}:${name}`;

export async function listSecrets(db: Database, userId: string): Promise<SecretSummary[]> {
  return db
    .select({ id: secrets.id, name: secrets.name, description: secrets.description, createdAt: secrets.createdAt, updatedAt: secrets.updatedAt })
    .from(secrets)
    .where(eq(secrets.userId, userId))
    .orderBy(asc(secrets.name));
}

export async function createSecret(
  db: Database,
  input: { userId: string; name: string; value: string; description?: string },
  opts: CipherOption = {},
): Promise<SecretSummary> {
  const name = secretNameSchema.parse(input.name);
  const value = secretValueSchema.parse(input.value);
  const description = secretDescriptionSchema.parse(input.description ?? "");
  const cipher = opts.cipher ?? appCipher();
  // ON CONFLICT DO NOTHING makes the duplicate check race-free (UNIQUE(user_id, name)).
  const [row] = await db
    .insert(secrets)
    .values({ userId: input.userId, name, description, valueEnc: cipher.encrypt(value, aad(input.userId, name)) })
    .onConflictDoNothing({ target: [secrets.userId, secrets.name] })
    .returning({ id: secrets.id, name: secrets.name, description: secrets.description, createdAt: secrets.createdAt, updatedAt: secrets.updatedAt });
  if (!row) throw new AppError("secret_exists", 409, `A secret named ${name} already exists. Update its value instead.`, { name: [`A secret named ${name} already exists`] });
  return row;
}

/** Replace a secret's value and/or description. Another user's id is a 404, like a missing one. */
export async function updateSecret(
  db: Database,
  input: { userId: string; id: string; value?: string; description?: string },
  opts: CipherOption = {},
): Promise<SecretSummary> {
  const existing = await getOwnSecret(db, input.userId, input.id);
  const patch: Partial<typeof secrets.$inferInsert> = { updatedAt: new Date() };
  if (input.value !== undefined && input.value !== "") {
    patch.valueEnc = (opts.cipher ?? appCipher()).encrypt(secretValueSchema.parse(input.value), aad(input.userId, existing.name));
  }
  if (input.description !== undefined) patch.description = secretDescriptionSchema.parse(input.description);
  const [row] = await db
    .update(secrets)
    .set(patch)
    .where(and(eq(secrets.id, existing.id), eq(secrets.userId, input.userId)))
    .returning({ id: secrets.id, name: secrets.name, description: secrets.description, createdAt: secrets.createdAt, updatedAt: secrets.updatedAt });
  if (!row) throw notFound();
  return row;
}

export async function deleteSecret(db: Database, input: { userId: string; id: string }): Promise<void> {
  if (!isUuid(input.id)) throw notFound();
  const deleted = await db
    .delete(secrets)
    .where(and(eq(secrets.id, input.id), eq(secrets.userId, input.userId)))
    .returning({ id: secrets.id });
  if (deleted.length === 0) throw notFound();
}

/**
 * The user's secrets, decrypted, for one agent run. A value that no longer decrypts (its key was
 * retired) is skipped rather than failing the run; the settings page lets the user set it again.
 */
export async function getAgentSecrets(db: Database, userId: string, opts: CipherOption = {}): Promise<Record<string, string>> {
  const cipher = opts.cipher ?? appCipher();
  const rows = await db.select({ name: secrets.name, valueEnc: secrets.valueEnc }).from(secrets).where(eq(secrets.userId, userId));
  const out: Record<string, string> = {};
  for (const r of rows) {
    try {
      out[r.name] = cipher.decrypt(r.valueEnc, aad(userId, r.name));
    } catch {
      log.warn("secret could not be decrypted; skipped for this run", { userId, name: r.name });
    }
  }
  return out;
}

async function getOwnSecret(db: Database, userId: string, id: string) {
  if (!isUuid(id)) throw notFound();
  const [row] = await db.select({ id: secrets.id, name: secrets.name }).from(secrets).where(and(eq(secrets.id, id), eq(secrets.userId, userId))).limit(1);
  if (!row) throw notFound();
  return row;
}

const notFound = () => new AppError("secret_not_found", 404, "This secret does not exist.");
