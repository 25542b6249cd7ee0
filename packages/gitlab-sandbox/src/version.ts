// The GitLab release the sandbox imitates (GET /version, the webhook User-Agent).
export const GITLAB_VERSION = "18.6.0";
export const GITLAB_REVISION = "4f1a3b0c2d9";
