/**
 * The message limit, said before it is reached (issue 17: text pasted over 20,000 characters was
 * cut without a word by the textarea's maxLength). The server refuses longer ones with the same
 * number (lib/conversations/follow-up.ts).
 */
export const MAX_MESSAGE_CHARS = 20_000;

export function MessageLength({ length }: { length: number }) {
  if (length < MAX_MESSAGE_CHARS * 0.8) return null;
  const over = length > MAX_MESSAGE_CHARS;
  return (
    <span className={`text-xs ${over ? "font-medium text-red-700" : "text-slate-500"}`} data-testid="message-length" role={over ? "alert" : undefined}>
      {length.toLocaleString("en")} / {MAX_MESSAGE_CHARS.toLocaleString("en")} characters{over ? ": too long, shorten it to send" : ""}
    </span>
  );
}
