"use client";

import { useActionState, useEffect, useRef } from "react";
import { sendFollowUpAction, type SendFollowUpState } from "@/app/actions/send-follow-up";

/** A new message in the conversation: a new run with the history, or queued behind the current run. */
export function FollowUpForm({ conversationId, running }: { conversationId: string; running: boolean }) {
  const [state, action, pending] = useActionState<SendFollowUpState, FormData>(sendFollowUpAction, { status: "idle" });
  const formRef = useRef<HTMLFormElement>(null);
  useEffect(() => {
    if (state.status === "success") formRef.current?.reset();
  }, [state]);
  return (
    <form ref={formRef} action={action} className="rounded-lg border border-slate-200 bg-white p-4" data-testid="follow-up-form">
      <input type="hidden" name="conversationId" value={conversationId} />
      <label htmlFor="follow-up-message" className="text-sm font-medium">
        Send a message
      </label>
      <textarea
        id="follow-up-message"
        name="message"
        defaultValue={state.draft}
        required
        rows={3}
        maxLength={20_000}
        placeholder={running ? "The agent is working; your message runs right after it finishes." : "Ask for more changes, or ask a question…"}
        className="mt-2 block w-full rounded-md border border-slate-300 p-2 text-sm focus:border-brand-500 focus:outline-none focus:ring-1 focus:ring-brand-500"
        aria-invalid={state.fieldErrors?.message ? true : undefined}
      />
      <div className="mt-2 flex items-center justify-between gap-3">
        <p className={`text-sm ${state.status === "error" ? "text-red-700" : "text-slate-600"}`} role={state.status === "error" ? "alert" : "status"}>
          {state.fieldErrors?.message?.[0] ?? state.message ?? ""}
        </p>
        <button type="submit" disabled={pending} className="h-9 rounded-md bg-brand-600 px-4 text-sm font-medium text-white hover:bg-brand-700 disabled:cursor-not-allowed disabled:bg-slate-300">
          {pending ? "Sending…" : "Send"}
        </button>
      </div>
    </form>
  );
}
