export * from "./users";
export * from "./gitlab-connections";
export * from "./credentials";
export * from "./webhooks";
export * from "./conversations";
export * from "./system";
export * from "./conversation-changes";
export * from "./gitlab-comments";
