"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { getDb } from "@/db";
import { currentUser } from "@/lib/auth/current-user";
import { toAppError } from "@/lib/http/app-error";
import { log } from "@/lib/log";
import { createSecret } from "@/lib/secrets/queries";
import { secretDescriptionSchema, secretNameSchema, secretValueSchema } from "@/lib/secrets/validation";

const schema = z.object({ name: secretNameSchema, value: secretValueSchema, description: secretDescriptionSchema });

export type CreateSecretState = {
  status: "idle" | "success" | "error";
  message?: string;
  fieldErrors?: Record<string, string[] | undefined>;
  /** on error, what to put back in the form: name and description only, never the value */
  input?: { name: string; description: string };
};

/** Saves a new secret, encrypted. The value is never sent back, not even in an error. */
export async function createSecretAction(_prev: CreateSecretState, formData: FormData): Promise<CreateSecretState> {
  const user = await currentUser();
  if (!user) return { status: "error", message: "Your session ended. Sign in again." };
  const raw = { name: String(formData.get("name") ?? ""), value: String(formData.get("value") ?? ""), description: String(formData.get("description") ?? "") };
  const input = { name: raw.name, description: raw.description };
  const parsed = schema.safeParse(raw);
  if (!parsed.success) return { status: "error", message: "Check the form.", fieldErrors: z.flattenError(parsed.error).fieldErrors, input };
  try {
    const { db } = await getDb();
    const secret = await createSecret(db, { userId: user.id, ...parsed.data });
    revalidatePath("/settings/secrets");
    return { status: "success", message: `Saved ${secret.name}. Its value is no longer shown.` };
  } catch (err) {
    const e = toAppError(err);
    if (e.status >= 500) log.error("create secret failed", { userId: user.id, err });
    const fieldErrors = e.code === "secret_exists" ? (e.details as Record<string, string[]>) : undefined;
    return { status: "error", message: e.message, fieldErrors, input };
  }
}
