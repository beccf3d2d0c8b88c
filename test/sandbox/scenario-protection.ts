import type { Recorder } from "./scenario.js";

/**
 * Drives every branch protection and ruleset operation once, the way an administrator's client calls them,
 * for the contract checks. It protects a branch of its own, so the rest of the scenario merges unhindered.
 */
export async function protectionScenario(
  rec: Recorder,
  o: { owner: string; repo: string },
  tokens: { admin: string; app: string },
  base: string,
): Promise<void> {
  const c = rec.call.bind(rec);
  const admin = { token: tokens.admin };
  await c("POST /repos/{owner}/{repo}/git/refs", o, {
    body: { ref: "refs/heads/release", sha: base },
    token: tokens.admin,
  });
  const branch = { ...o, branch: "release" };
  const P = "/repos/{owner}/{repo}/branches/{branch}/protection";
  await c(`PUT ${P}`, branch, {
    ...admin,
    body: {
      required_status_checks: { strict: true, contexts: [], checks: [{ context: "build" }] },
      enforce_admins: true,
      required_pull_request_reviews: { required_approving_review_count: 1, dismiss_stale_reviews: true },
      restrictions: null,
    },
  });
  await c(`GET ${P}`, branch, admin);
  await c(`GET ${P}`, branch, { token: tokens.app });
  await c(`GET ${P}/required_status_checks`, branch, admin);
  await c(`PATCH ${P}/required_status_checks`, branch, {
    ...admin,
    body: { strict: false, checks: [{ context: "build", app_id: -1 }, { context: "lint" }] },
  });
  await c(`GET ${P}/required_pull_request_reviews`, branch, admin);
  await c(`PATCH ${P}/required_pull_request_reviews`, branch, {
    ...admin,
    body: { required_approving_review_count: 2 },
  });
  await c(`DELETE ${P}/required_pull_request_reviews`, branch, admin);
  await c(`DELETE ${P}/required_status_checks`, branch, admin);
  await c(`DELETE ${P}`, branch, admin);

  const set = await c<{ id: number }>("POST /repos/{owner}/{repo}/rulesets", o, {
    ...admin,
    body: {
      name: "release gate",
      target: "branch",
      enforcement: "active",
      conditions: { ref_name: { include: ["refs/heads/release"], exclude: [] } },
      rules: [
        {
          type: "required_status_checks",
          parameters: {
            strict_required_status_checks_policy: false,
            required_status_checks: [{ context: "build" }],
          },
        },
        {
          type: "pull_request",
          parameters: {
            required_approving_review_count: 1,
            dismiss_stale_reviews_on_push: false,
            require_code_owner_review: false,
            require_last_push_approval: false,
            required_review_thread_resolution: false,
          },
        },
      ],
    },
  });
  const ruleset = { ...o, ruleset_id: set.id };
  await c("GET /repos/{owner}/{repo}/rulesets", o, admin);
  await c("GET /repos/{owner}/{repo}/rulesets/{ruleset_id}", ruleset, admin);
  await c("GET /repos/{owner}/{repo}/rulesets/{ruleset_id}", ruleset, { token: tokens.app });
  await c("GET /repos/{owner}/{repo}/rules/branches/{branch}", branch, { token: tokens.app });
  await c("PUT /repos/{owner}/{repo}/rulesets/{ruleset_id}", ruleset, {
    ...admin,
    body: { enforcement: "disabled" },
  });
  await c("DELETE /repos/{owner}/{repo}/rulesets/{ruleset_id}", ruleset, admin);
}
