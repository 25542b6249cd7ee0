import { z } from "zod";
import { withGitLab, type GitLabApi } from "./client";
import { parseOne } from "./paging";

export interface IssueDetails {
  iid: number;
  title: string;
  description: string;
  state: string;
  webUrl: string;
  authorUsername: string;
}

const issueSchema = z
  .object({
    iid: z.number().int(),
    title: z.string(),
    description: z.string().nullish(),
    state: z.string(),
    web_url: z.string(),
    author: z.object({ username: z.string() }).loose(),
  })
  .loose();

export async function getIssue(api: GitLabApi, projectId: number, iid: number): Promise<IssueDetails> {
  const raw = await withGitLab(() => api.Issues.show(iid, { projectId }));
  const i = parseOne(raw, issueSchema, "issue");
  return { iid: i.iid, title: i.title, description: i.description ?? "", state: i.state, webUrl: i.web_url, authorUsername: i.author.username };
}
