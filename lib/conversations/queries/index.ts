/**
 * The conversations area's data access: the only files of lib/conversations that talk to Drizzle.
 * Anything a user reaches by id goes through an owner-scoped query (getConversation); the rest
 * address rows by id for callers that checked the owner or act for it, and each file says which.
 */
export * from "./conversations";
export * from "./events";
export * from "./status";
export * from "./changes";
export * from "./sweeper";
