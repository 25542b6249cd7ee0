/** Lifetimes offered when creating a key (client-safe: no server imports). Empty means no expiry. */
export const apiKeyExpiryChoices = [
  { days: 7, label: "7 days" },
  { days: 30, label: "30 days" },
  { days: 90, label: "90 days" },
  { days: 365, label: "1 year" },
] as const;
