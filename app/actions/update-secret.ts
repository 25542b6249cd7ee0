"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { authAction, type ActionState, type FormAction } from "@/lib/http/server-action";
import { updateSecret } from "@/lib/secrets/queries";
import { secretDescriptionSchema, secretValueSchema } from "@/lib/secrets/validation";

// An empty value keeps the current one (values are write-only, so the form starts empty).
const schema = z.object({ id: z.string().min(1), value: z.union([z.literal(""), secretValueSchema]), description: secretDescriptionSchema });

export type UpdateSecretState = ActionState;

/** Replaces a secret's value and/or description; the id comes from the client, so ownership is re-checked in the query. */
export const updateSecretAction: FormAction<UpdateSecretState> = authAction(
  schema,
  async ({ id, value, description }, { user, db }) => {
    const secret = await updateSecret(db, { userId: user.id, id, value: value || undefined, description });
    revalidatePath("/settings/secrets");
    return { message: value ? `Updated the value of ${secret.name}.` : `Updated ${secret.name}.` };
  },
  { name: "update secret" },
);
