import { notFound, redirect } from "next/navigation";
import { getDb } from "@/db";
import { currentUser } from "@/lib/auth/current-user";
import { loadConversationView } from "@/lib/conversations/view";
import { getEnv } from "@/lib/env";
import { ConversationClient } from "./conversation-client";

export const dynamic = "force-dynamic";

export async function generateMetadata() {
  return { title: "Conversation" };
}

export default async function ConversationPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const user = await currentUser();
  if (!user) redirect(`/sign-in?callbackUrl=/conversations/${id}`);
  const { db } = await getDb();
  // Scoped to the signed-in user: another user's id is a 404, exactly like a missing one.
  const loaded = await loadConversationView(db, { id, userId: user.id });
  if (!loaded) notFound();
  // A run records its runtime; before the first run, the deployment's setting tells.
  const isTestAgent = (loaded.view.runtime ?? (getEnv().AGENT_RUNTIME === "scripted" ? "scripted" : "command")) === "scripted";
  return <ConversationClient conversation={loaded.view} initialEvents={loaded.events} gitlabUrl={user.gitlabBaseUrl.replace(/\/+$/, "")} isTestAgent={isTestAgent} />;
}
