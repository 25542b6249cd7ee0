"use client";

import { Button } from "@/components/ui/button";

export default function SecretsError({ reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <div role="alert" className="rounded-lg border border-red-200 bg-red-50 p-6 text-sm text-red-800">
      <p className="font-medium">Your secrets could not be loaded.</p>
      <Button variant="danger" size="sm" className="mt-3" onClick={reset}>
        Try again
      </Button>
    </div>
  );
}
