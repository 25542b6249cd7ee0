"use server";

import { z } from "zod";
import { signOut } from "@/lib/auth/config";
import { publicAction } from "@/lib/http/server-action";

/** Ends the session; signOut answers with a redirect to the sign-in page (thrown, let through). */
export const signOutAction = publicAction(
  z.object({}),
  async () => {
    await signOut({ redirectTo: "/sign-in" });
  },
  { name: "sign out" },
);
