import { EmptyState } from "@/components/app-shell";

export const metadata = { title: "Secrets" };

export default function SecretsPage() {
  return <EmptyState title="No secrets yet">Secrets you define are given to the agent as environment variables.</EmptyState>;
}
