"use client";

import { Button } from "@/components/ui/button";

export default function ApiKeysError({ reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <div role="alert" data-testid="api-keys-error" className="rounded-lg border border-red-200 bg-red-50 p-6 text-sm text-red-800">
      <p className="font-medium">Your API keys could not be loaded.</p>
      <p className="mt-1">This is usually temporary. Existing keys keep working meanwhile.</p>
      <Button variant="danger" size="sm" className="mt-3" onClick={reset}>
        Try again
      </Button>
    </div>
  );
}
