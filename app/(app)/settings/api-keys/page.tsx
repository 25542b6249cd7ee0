import { EmptyState } from "@/components/app-shell";

export const metadata = { title: "API Keys" };

export default function ApiKeysPage() {
  return <EmptyState title="No API keys yet">API keys let scripts drive the agent through the Cloud API.</EmptyState>;
}
