"use client";

import { useActionState, useEffect, useRef, useState } from "react";
import { sendFollowUpAction, type SendFollowUpState } from "@/app/actions/send-follow-up";
import { Button } from "@/components/ui/button";
import { Textarea } from "@/components/ui/input";
import { MessageLength, MAX_MESSAGE_CHARS } from "@/components/message-length";

/**
 * A new message in the conversation: a new run with the history, or queued behind the current run.
 * "Sent…" describes the run it started, so it goes away when that run ends (issue 17: it stayed).
 */
export function FollowUpForm({ conversationId, running }: { conversationId: string; running: boolean }) {
  const [state, action, pending] = useActionState<SendFollowUpState, FormData>(sendFollowUpAction, { status: "idle" });
  const [text, setText] = useState("");
  const [notice, setNotice] = useState<SendFollowUpState | null>(null);
  const wasRunning = useRef(running);
  const formRef = useRef<HTMLFormElement>(null);
  useEffect(() => {
    // Adopting the action's answer: a success clears the box, an error puts the draft back.
    /* eslint-disable react-hooks/set-state-in-effect */
    if (state.status === "success") setText("");
    if (state.status === "error" && state.draft !== undefined) setText(state.draft);
    setNotice(state.status === "idle" ? null : state);
    /* eslint-enable react-hooks/set-state-in-effect */
  }, [state]);
  useEffect(() => {
    // the run the notice spoke of has ended
    if (wasRunning.current && !running) setNotice((n) => (n?.status === "success" ? null : n));
    wasRunning.current = running;
  }, [running]);
  const over = text.length > MAX_MESSAGE_CHARS;
  const empty = text.trim() === "";
  return (
    <form ref={formRef} action={action} className="rounded-lg border border-slate-200 bg-white p-4" data-testid="follow-up-form">
      <input type="hidden" name="conversationId" value={conversationId} />
      <label htmlFor="follow-up-message" className="text-sm font-medium">
        Send a message
      </label>
      <Textarea
        id="follow-up-message"
        name="message"
        value={text}
        onChange={(e) => setText(e.target.value)}
        rows={3}
        placeholder={running ? "The agent is working; your message runs right after it finishes." : "Ask for more changes, or ask a question…"}
        className="mt-2"
        aria-invalid={over || notice?.fieldErrors?.message ? true : undefined}
      />
      <div className="mt-2 flex flex-wrap items-center justify-between gap-3">
        <p className={`text-sm ${notice?.status === "error" ? "text-red-700" : "text-slate-600"}`} role={notice?.status === "error" ? "alert" : "status"} data-testid="follow-up-notice">
          {notice?.fieldErrors?.message?.[0] ?? notice?.message ?? ""}
        </p>
        <div className="flex items-center gap-3">
          <MessageLength length={text.length} />
          <Button type="submit" disabled={pending || empty || over} disabledReason={pending ? "Sending…" : empty ? "Write a message first." : "The message is too long."}>
            {pending ? "Sending…" : "Send"}
          </Button>
        </div>
      </div>
    </form>
  );
}
