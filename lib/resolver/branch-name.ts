import { shapeRedactor } from "@/lib/redaction";

/**
 * `openhands/issue-<iid>-<slug>`: readable in GitLab's branch list, stable for an issue (a second
 * run on the same issue continues the same branch and merge request instead of opening another),
 * and always a valid git ref name (ASCII letters, digits and single dashes only in the slug).
 */
const MAX_SLUG = 40;

export function slugify(title: string): string {
  const ascii = title.normalize("NFKD").replace(/[\u0300-\u036f]/g, "");
  const slug = ascii
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  if (slug.length <= MAX_SLUG) return slug;
  const cut = slug.slice(0, MAX_SLUG);
  // Prefer ending at a word boundary when one is reasonably close.
  const dash = cut.lastIndexOf("-");
  return (dash >= 20 ? cut.slice(0, dash) : cut).replace(/-+$/, "");
}

export function issueBranchName(iid: number, title: string): string {
  // A title may quote a credential; it must not become a branch name on GitLab (issue 13).
  const slug = slugify(shapeRedactor.branchName(title));
  return slug ? `openhands/issue-${iid}-${slug}` : `openhands/issue-${iid}`;
}
