"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { getDb } from "@/db";
import { deleteApiKey } from "@/lib/api-keys/keys";
import { currentUser } from "@/lib/auth/current-user";
import { log } from "@/lib/log";

const schema = z.object({ id: z.uuid("Unknown key") });

export type DeleteApiKeyState = { status: "idle" | "success" | "error"; message?: string };

/** Deletes a revoked or expired key of the signed-in user; ownership and state are re-checked in the query. */
export async function deleteApiKeyAction(_prev: DeleteApiKeyState, formData: FormData): Promise<DeleteApiKeyState> {
  const user = await currentUser();
  if (!user) return { status: "error", message: "Your session ended. Sign in again." };
  const parsed = schema.safeParse({ id: formData.get("id") });
  if (!parsed.success) return { status: "error", message: "That key does not exist." };
  try {
    const { db } = await getDb();
    const key = await deleteApiKey(db, { id: parsed.data.id, userId: user.id });
    if (!key) return { status: "error", message: "Only a revoked or expired key of yours can be deleted. Revoke it first." };
    revalidatePath("/settings/api-keys");
    return { status: "success", message: `Deleted "${key.name}".` };
  } catch (err) {
    log.error("delete api key failed", { userId: user.id, err });
    return { status: "error", message: "The key could not be deleted. Please try again." };
  }
}
