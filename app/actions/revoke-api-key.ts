"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { getDb } from "@/db";
import { revokeApiKey } from "@/lib/api-keys/keys";
import { currentUser } from "@/lib/auth/current-user";
import { log } from "@/lib/log";

const schema = z.object({ id: z.uuid("Unknown key") });

export type RevokeApiKeyState = { status: "idle" | "success" | "error"; message?: string };

/** Revokes one of the signed-in user's keys; the id comes from the client, so ownership is re-checked in the query. */
export async function revokeApiKeyAction(_prev: RevokeApiKeyState, formData: FormData): Promise<RevokeApiKeyState> {
  const user = await currentUser();
  if (!user) return { status: "error", message: "Your session ended. Sign in again." };
  const parsed = schema.safeParse({ id: formData.get("id") });
  if (!parsed.success) return { status: "error", message: "That key does not exist." };
  try {
    const { db } = await getDb();
    const key = await revokeApiKey(db, { id: parsed.data.id, userId: user.id });
    if (!key) return { status: "error", message: "That key does not exist." };
    revalidatePath("/settings/api-keys");
    return { status: "success", message: `Revoked "${key.name}". Requests with it are refused from now on.` };
  } catch (err) {
    log.error("revoke api key failed", { userId: user.id, err });
    return { status: "error", message: "The key could not be revoked. Please try again." };
  }
}
