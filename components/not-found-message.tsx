import { ButtonLink } from "./ui/button";

export function NotFoundMessage() {
  return (
    <section className="mx-auto max-w-lg rounded-lg border border-slate-200 bg-white p-8 text-center" data-testid="not-found">
      <p className="text-sm font-medium text-slate-500">404</p>
      <h1 className="mt-1 text-xl font-semibold">This page could not be found</h1>
      <p className="mt-2 text-sm text-slate-600">It does not exist, or it belongs to another account.</p>
      <div className="mt-5 flex flex-wrap justify-center gap-2">
        <ButtonLink href="/">Go to Open Repository</ButtonLink>
        <ButtonLink href="/conversations" variant="secondary">
          Your conversations
        </ButtonLink>
      </div>
    </section>
  );
}
