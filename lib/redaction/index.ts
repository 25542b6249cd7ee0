/**
 * Issue 13: the one place every outgoing text goes through (GitLab comments, merge request title
 * and description, commit messages, branch names, the stored timeline, logs).
 */
export { Redactor, shapeRedactor, joinRedacted, REDACTED, type RedactedText, type RunSecret } from "./redactor";
export { runSecrets } from "./run-secrets";
