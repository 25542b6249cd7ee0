"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { authAction, type ActionState, type FormAction } from "@/lib/http/server-action";
import { deleteSecret } from "@/lib/secrets/queries";

const schema = z.object({ id: z.string().min(1) });

export type DeleteSecretState = ActionState;

/** Deletes one of the signed-in user's secrets (another user's id is a 404, like a missing one). */
export const deleteSecretAction: FormAction<DeleteSecretState> = authAction(
  schema,
  async ({ id }, { user, db }) => {
    await deleteSecret(db, { userId: user.id, id });
    revalidatePath("/settings/secrets");
    return { message: "Deleted. Runs from now on no longer get it." };
  },
  { name: "delete secret", invalid: "This secret does not exist." },
);
