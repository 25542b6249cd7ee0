"use client";

import { useActionState } from "react";
import { cancelConversationAction, type CancelConversationState } from "@/app/actions/cancel-conversation";

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
      <button
        data-testid="cancel-button"
        type="submit"
        disabled={pending || state.status === "success"}
        className="h-9 rounded-md border border-red-300 bg-white px-4 text-sm font-medium text-red-700 hover:bg-red-50 disabled:cursor-not-allowed disabled:opacity-60"
      >
        {pending || state.status === "success" ? "Cancelling…" : "Cancel"}
      </button>
    </form>
  );
}
