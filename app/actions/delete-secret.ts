"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { getDb } from "@/db";
import { currentUser } from "@/lib/auth/current-user";
import { toAppError } from "@/lib/http/app-error";
import { log } from "@/lib/log";
import { deleteSecret } from "@/lib/secrets/queries";

const schema = z.object({ id: z.string().min(1) });

export type DeleteSecretState = { status: "idle" | "success" | "error"; message?: string };

/** Deletes one of the signed-in user's secrets (another user's id is a 404, like a missing one). */
export async function deleteSecretAction(_prev: DeleteSecretState, formData: FormData): Promise<DeleteSecretState> {
  const user = await currentUser();
  if (!user) return { status: "error", message: "Your session ended. Sign in again." };
  const parsed = schema.safeParse({ id: formData.get("id") ?? "" });
  if (!parsed.success) return { status: "error", message: "This secret does not exist." };
  try {
    const { db } = await getDb();
    await deleteSecret(db, { userId: user.id, id: parsed.data.id });
    revalidatePath("/settings/secrets");
    return { status: "success", message: "Deleted. Runs from now on no longer get it." };
  } catch (err) {
    const e = toAppError(err);
    if (e.status >= 500) log.error("delete secret failed", { userId: user.id, err });
    return { status: "error", message: e.message };
  }
}
