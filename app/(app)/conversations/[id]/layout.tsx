import { notFound, redirect } from "next/navigation";
import { getDb } from "@/db";
import { currentUser } from "@/lib/auth/current-user";
import { getConversation } from "@/lib/conversations/queries";

export const dynamic = "force-dynamic";

/**
 * Ownership is checked here, above the page's loading boundary: once loading.tsx has streamed,
 * the response status is already 200, so a notFound() in the page would send a "not found" page
 * with status 200. Here it is a real 404, for another user's id exactly as for a missing one.
 */
export default async function ConversationLayout({ children, params }: { children: React.ReactNode; params: Promise<{ id: string }> }) {
  const { id } = await params;
  const user = await currentUser();
  if (!user) redirect(`/sign-in?callbackUrl=/conversations/${id}`);
  const { db } = await getDb();
  if (!(await getConversation(db, { id, userId: user.id }))) notFound();
  return children;
}
