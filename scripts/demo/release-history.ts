/**
 * Last week's release, seeded before the story starts: the deployments to staging and production with
 * the records the Action and the App write (approvals, the gate, the outcome and the App's attestation),
 * dated a week back with `/_sandbox/timestamps`, so the audit has a history and a rollback has a target.
 */
import { approvalDescription, eventDescription } from "../../src/records/format.js";
import { FULL, type DemoWorld } from "./world.js";

const DAY = 86_400;

export async function seedRelease(world: DemoWorld, sha: string, digest: string): Promise<void> {
  const app = await world.appToken();
  const record = async (environment: string, approvers: string[]) => {
    const deployment = await world.sandbox.client.rest<{ id: number }>(
      "POST",
      `/repos/${FULL}/deployments`,
      {
        ref: sha,
        environment,
        auto_merge: false,
        required_contexts: [],
        payload: {
          tollgate: {
            version: 1,
            requested_by: "owner",
            change_type: "release",
            emergency: false,
            strategy: environment === "production" ? "canary" : "direct",
            policy_digest: digest,
            checklist: {
              ci: "passed",
              "rollback-plan": "passed",
              ...(approvers.length ? { approval: "passed" } : {}),
            },
          },
        },
      },
      world.workflowToken,
    );
    const statuses: [string, string, string][] = [
      ...approvers.map((login, i): [string, string, string] => [
        app,
        "queued",
        approvalDescription("approved", login, `${i + 1}/2 (2 of group:admins)`),
      ]),
      [world.workflowToken, "in_progress", eventDescription("step", "gate passed (release)")],
      [world.workflowToken, "success", eventDescription("outcome", "deployed")],
      // The App's attestation once it verified the run behind that success: only it counts.
      [app, "success", eventDescription("verified", `success in ${environment} by run 1 (deploy.yml, push)`)],
    ];
    let ago = 7 * DAY + 600;
    await world.sandbox.client.setTimestamp({
      repo: FULL,
      kind: "deployment",
      id: deployment.id,
      ago_seconds: ago,
    });
    for (const [token, state, description] of statuses) {
      const status = await world.sandbox.client.rest<{ id: number }>(
        "POST",
        `/repos/${FULL}/deployments/${deployment.id}/statuses`,
        { state, description, auto_inactive: false, environment },
        token,
      );
      ago -= 120;
      await world.sandbox.client.setTimestamp({
        repo: FULL,
        kind: "deployment_status",
        id: status.id,
        ago_seconds: ago,
      });
    }
  };
  await record("staging", []);
  await record("production", ["alice", "bob"]);
}
