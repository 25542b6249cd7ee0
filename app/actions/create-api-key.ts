"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { getDb } from "@/db";
import { createApiKey, createApiKeyInput } from "@/lib/api-keys/keys";
import { currentUser } from "@/lib/auth/current-user";
import { log } from "@/lib/log";

export type CreateApiKeyState = {
  status: "idle" | "success" | "error";
  message?: string;
  fieldErrors?: Record<string, string[] | undefined>;
  /**
   * The new key, in plaintext, returned this one time only: it exists nowhere else (we store a hash),
   * and the page shows it once with a copy button. It is never logged.
   */
  created?: { id: string; name: string; prefix: string; token: string; expiresAt: string | null };
};

export async function createApiKeyAction(_prev: CreateApiKeyState, formData: FormData): Promise<CreateApiKeyState> {
  const user = await currentUser();
  if (!user) return { status: "error", message: "Your session ended. Sign in again." };
  const parsed = createApiKeyInput.safeParse({ name: formData.get("name") ?? "", expiresInDays: formData.get("expiresInDays") ?? "" });
  if (!parsed.success) return { status: "error", message: "Check the form.", fieldErrors: z.flattenError(parsed.error).fieldErrors };
  try {
    const { db } = await getDb();
    const { key, token } = await createApiKey(db, { userId: user.id, ...parsed.data });
    revalidatePath("/settings/api-keys");
    return {
      status: "success",
      message: `Created "${key.name}".`,
      created: { id: key.id, name: key.name, prefix: key.prefix, token, expiresAt: key.expiresAt?.toISOString() ?? null },
    };
  } catch (err) {
    log.error("create api key failed", { userId: user.id, err });
    return { status: "error", message: "The key could not be created. Please try again." };
  }
}
