export default function Loading() {
  return (
    <div className="space-y-4" aria-busy="true" aria-label="Loading secrets">
      <div className="h-56 animate-pulse rounded-lg bg-slate-200" />
      <div className="h-24 animate-pulse rounded-lg bg-slate-200" />
    </div>
  );
}
