"use client";

import { Button } from "@/components/ui/button";

/** Something failed while loading the conversation (database down, …): say so and offer a retry. */
export default function ConversationError({ reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <div role="alert" className="rounded-lg border border-red-200 bg-red-50 p-6 text-sm text-red-800">
      <p className="font-medium">This conversation could not be loaded.</p>
      <p className="mt-1">Please try again in a moment.</p>
      <Button variant="danger" size="sm" className="mt-3" onClick={reset}>
        Try again
      </Button>
    </div>
  );
}
