import { Gitlab } from "@gitbeaker/rest";
import type { GitLabApi } from "./client";
import { singleAttemptRequesterFn } from "./requester";

/**
 * `gitlabApi` plus fixed request headers. The resolver passes the delivery's `X-Gitlab-Event-UUID`
 * on every API call it makes while handling that delivery, so GitLab treats webhooks fired by our
 * own comments as part of the same (recursive) chain and applies its recursion limit to them.
 */
export function gitlabApiWithHeaders(opts: { baseUrl: string; token: string; headers: Record<string, string>; timeoutMs?: number }): GitLabApi {
  const requesterFn: typeof singleAttemptRequesterFn = (serviceOptions) =>
    singleAttemptRequesterFn({ ...serviceOptions, headers: { ...serviceOptions.headers, ...opts.headers } });
  return new Gitlab({
    host: opts.baseUrl.replace(/\/+$/, ""),
    oauthToken: opts.token,
    requesterFn,
    queryTimeout: opts.timeoutMs ?? 30_000,
  });
}
