/** The agent's commits: a clear, non-human author; the message names the user and the conversation. */
export const AGENT_AUTHOR = { name: "OpenHands", email: "openhands@noreply" };
