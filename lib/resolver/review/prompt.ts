import { REVIEW_FORMAT_INSTRUCTIONS, REVIEW_REQUEST_LEAD } from "@/lib/agent/review-block";

/**
 * What a review run is asked (put before the MR context). No markdown headings: the run puts the
 * request under its own "## Current task" heading, and the scripted agent obeys only that section.
 */
export function reviewInstructions(): string {
  return [
    `${REVIEW_REQUEST_LEAD} Do not edit, create or delete files: nothing you change is kept or pushed.`,
    "Read the diff below (and the repository around it when you need context) and look for bugs, security problems, missing tests and unclear code. Be specific and brief.",
    REVIEW_FORMAT_INSTRUCTIONS,
  ].join("\n\n");
}
