"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { getDb } from "@/db";
import { currentUser } from "@/lib/auth/current-user";
import { toAppError } from "@/lib/http/app-error";
import { log } from "@/lib/log";
import { updateSecret } from "@/lib/secrets/queries";
import { secretDescriptionSchema, secretValueSchema } from "@/lib/secrets/validation";

// An empty value keeps the current one (values are write-only, so the form starts empty).
const schema = z.object({ id: z.string().min(1), value: z.union([z.literal(""), secretValueSchema]), description: secretDescriptionSchema });

export type UpdateSecretState = { status: "idle" | "success" | "error"; message?: string; fieldErrors?: Record<string, string[] | undefined> };

/** Replaces a secret's value and/or description; the id comes from the client, so ownership is re-checked in the query. */
export async function updateSecretAction(_prev: UpdateSecretState, formData: FormData): Promise<UpdateSecretState> {
  const user = await currentUser();
  if (!user) return { status: "error", message: "Your session ended. Sign in again." };
  const parsed = schema.safeParse({ id: formData.get("id") ?? "", value: formData.get("value") ?? "", description: formData.get("description") ?? "" });
  if (!parsed.success) return { status: "error", message: "Check the form.", fieldErrors: z.flattenError(parsed.error).fieldErrors };
  try {
    const { db } = await getDb();
    const secret = await updateSecret(db, { userId: user.id, id: parsed.data.id, value: parsed.data.value || undefined, description: parsed.data.description });
    revalidatePath("/settings/secrets");
    return { status: "success", message: parsed.data.value ? `Updated the value of ${secret.name}.` : `Updated ${secret.name}.` };
  } catch (err) {
    const e = toAppError(err);
    if (e.status >= 500) log.error("update secret failed", { userId: user.id, err });
    return { status: "error", message: e.message };
  }
}
