"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { authAction, type ActionState, type FormAction } from "@/lib/http/server-action";
import { createSecret } from "@/lib/secrets/queries";
import { secretDescriptionSchema, secretNameSchema, secretValueSchema } from "@/lib/secrets/validation";

const schema = z.object({ name: secretNameSchema, value: secretValueSchema, description: secretDescriptionSchema });

export type CreateSecretState = ActionState & {
  /** on error, what to put back in the form: name and description only, never the value */
  input?: { name: string; description: string };
};

/** Saves a new secret, encrypted. The value is never sent back, not even in an error. */
export const createSecretAction: FormAction<CreateSecretState> = authAction(
  schema,
  async (input, { user, db }) => {
    const secret = await createSecret(db, { userId: user.id, ...input });
    revalidatePath("/settings/secrets");
    return { message: `Saved ${secret.name}. Its value is no longer shown.` };
  },
  // A duplicate name comes back as an error on the name field (the AppError's details).
  { name: "create secret", keep: (raw) => ({ input: { name: raw.name, description: raw.description } }) },
);
