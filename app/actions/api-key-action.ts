import { revalidatePath } from "next/cache";
import { API_KEY_NOT_FOUND, apiKeyRefInput, changeApiKey, type ApiKeyChange } from "@/lib/api-keys/key-changes";
import { authAction, type ActionState } from "@/lib/http/server-action";

export type ApiKeyActionState = ActionState;

/** Revoke and delete, the two buttons of a key's row: the same form (the key's id), the same frame. */
export function apiKeyAction(change: ApiKeyChange) {
  return authAction(
    apiKeyRefInput,
    async ({ id }, { user, db }) => {
      const done = await changeApiKey(db, change, { id, userId: user.id });
      revalidatePath("/settings/api-keys");
      return done;
    },
    { name: `${change} api key`, invalid: API_KEY_NOT_FOUND },
  );
}
