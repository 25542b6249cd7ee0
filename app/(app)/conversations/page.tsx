import { EmptyState, PageHeader } from "@/components/app-shell";

export const metadata = { title: "Conversations" };

export default function ConversationsPage() {
  return (
    <>
      <PageHeader title="Conversations" description="Every run of the agent, from the app, GitLab issues, merge requests and the API." />
      <EmptyState title="No conversations yet">Launch one from Open Repository on the home page.</EmptyState>
    </>
  );
}
