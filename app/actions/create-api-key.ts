"use server";

import { revalidatePath } from "next/cache";
import { createApiKey, createApiKeyInput } from "@/lib/api-keys/keys";
import { authAction, type ActionState, type FormAction } from "@/lib/http/server-action";

export type CreateApiKeyState = ActionState & {
  /**
   * The new key, in plaintext, returned this one time only: it exists nowhere else (we store a hash),
   * and the page shows it once with a copy button. It is never logged.
   */
  created?: { id: string; name: string; prefix: string; token: string; expiresAt: string | null };
};

export const createApiKeyAction: FormAction<CreateApiKeyState> = authAction(
  createApiKeyInput,
  async (input, { user, db }) => {
    const { key, token } = await createApiKey(db, { userId: user.id, ...input });
    revalidatePath("/settings/api-keys");
    return {
      message: `Created "${key.name}".`,
      created: { id: key.id, name: key.name, prefix: key.prefix, token, expiresAt: key.expiresAt?.toISOString() ?? null },
    };
  },
  { name: "create api key" },
);
