"use client";

import { useActionState } from "react";
import { cancelConversationAction, type CancelConversationState } from "@/app/actions/cancel-conversation";
import { Button } from "@/components/ui/button";

export function CancelButton({ conversationId }: { conversationId: string }) {
  const [state, action, pending] = useActionState<CancelConversationState, FormData>(cancelConversationAction, { status: "idle" });
  return (
    <form action={action} className="flex items-center gap-3">
      {state.status === "error" ? (
        <span role="alert" className="text-sm text-red-700">
          {state.message}
        </span>
      ) : null}
      <input type="hidden" name="conversationId" value={conversationId} />
      <Button data-testid="cancel-button" type="submit" variant="danger" disabled={pending || state.status === "success"} disabledReason="The agent has been asked to stop; it stops within a few seconds.">
        {pending || state.status === "success" ? "Cancelling…" : "Cancel"}
      </Button>
    </form>
  );
}
