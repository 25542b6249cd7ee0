/**
 * The resolver's data access: the only files of lib/resolver that talk to Drizzle. The resolver acts
 * for verified webhook deliveries, not for a signed-in user, so rows are addressed by delivery,
 * trigger key or GitLab thread; each file says whose rows it reads.
 */
export * from "./conversations";
export * from "./deliveries";
export * from "./comment-posts";
export * from "./users";
