import Link from "next/link";

export const metadata = { title: "Sign in" };

export default function SignInPage() {
  return (
    <main className="grid min-h-screen place-items-center px-4">
      <div className="w-full max-w-sm rounded-xl border border-slate-200 bg-white p-8 shadow-sm">
        <h1 className="text-xl font-semibold">Sign in</h1>
        <p className="mt-2 text-sm text-slate-600">Sign in with your GitLab account to open repositories and manage webhooks.</p>
        <p className="mt-6 rounded-md bg-slate-100 p-3 text-sm text-slate-700" data-testid="sign-in-pending">Sign-in with GitLab is being set up on this instance.</p>
        <Link href="/" className="mt-6 inline-block text-sm text-brand-700 underline">Back to home</Link>
      </div>
    </main>
  );
}
