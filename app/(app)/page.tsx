import Link from "next/link";
import { PageHeader } from "@/components/app-shell";

export default function HomePage() {
  return (
    <>
      <PageHeader title="Open Repository" description="Pick a GitLab repository and branch, then launch a conversation with the coding agent." />
      <section className="rounded-lg border border-slate-200 bg-white p-6" data-testid="open-repository">
        <p className="text-sm text-slate-600">Sign in with your GitLab account to see your repositories.</p>
        <Link href="/sign-in" className="mt-4 inline-block rounded-md bg-brand-600 px-4 py-2 text-sm font-medium text-white hover:bg-brand-700">
          Sign in with GitLab
        </Link>
      </section>
    </>
  );
}
