import { EmptyState } from "@/components/app-shell";

export const metadata = { title: "Integrations" };

export default function IntegrationsPage() {
  return (
    <section aria-labelledby="gitlab-heading" className="rounded-lg border border-slate-200 bg-white p-6">
      <h2 id="gitlab-heading" className="text-lg font-semibold">GitLab</h2>
      <div className="mt-4">
        <EmptyState title="GitLab is not connected">Sign in with GitLab to manage webhooks for your groups and projects.</EmptyState>
      </div>
    </section>
  );
}
