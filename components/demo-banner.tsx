import { demoBannerInfo } from "@/lib/demo/banner-info";

export function DemoBanner() {
  const demo = demoBannerInfo();
  if (!demo) return null;
  return (
    <div role="status" data-testid="demo-banner" className="bg-amber-100 px-4 py-2 text-center text-sm text-amber-900">
      <strong>Demo:</strong> connected to the built-in GitLab sandbox.{" "}
      <a href={demo.sandboxUrl} target="_blank" rel="noreferrer" className="font-medium underline">
        Open the demo GitLab
      </a>{" "}
      (sign in there as <code className="whitespace-nowrap">{demo.username}</code> / <code className="whitespace-nowrap">{demo.password}</code>)
    </div>
  );
}
