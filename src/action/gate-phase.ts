/**
 * The gate phase every deploying mode starts with: evaluate the gate (waiting for approval if asked to), then record
 * what was decided — "awaiting" (pending) when approvers must act, "gate passed" (queued) when `mode:
 * gate` lets the workflow's own steps deploy. A refusal writes nothing: no deployment happened, and the
 * run's log and summary say why. `dry-run` judges and writes nothing.
 */
import type { DeploymentState } from "../github/deployments.js";
import {
  awaitsApproval,
  evaluateGate,
  evaluateUntilApproved,
  type GateDeps,
  type GateEvaluation,
} from "./gate.js";
import type { ActionSettings } from "./inputs.js";
import { awaitingText, openDeployment, passedText, statusWriter, type StatusWriter } from "./record.js";
import { own } from "../policy/own.js";

export interface ActionDeps extends GateDeps {
  /** One log group per phase (`core.group`). */
  readonly phase: <T>(name: string, fn: () => Promise<T>) => Promise<T>;
}

export interface GatePhase {
  readonly evaluation: GateEvaluation;
  readonly deploymentId?: number;
  readonly status?: DeploymentState;
  /** Writes more statuses on the record (deploy mode), when there is one. */
  readonly write?: StatusWriter;
  readonly requests: number;
  readonly failure?: string;
}

/**
 * `beforeRecord` runs once the gate allows, before any record is written (deploy mode: the in-flight
 * scan); a reason it returns stops the run there, with nothing written.
 */
export async function gatePhase(
  deps: ActionDeps,
  settings: ActionSettings,
  beforeRecord?: (evaluation: GateEvaluation) => Promise<string | undefined>,
): Promise<GatePhase> {
  let deploymentId: number | undefined;
  let status: DeploymentState | undefined;
  let write: StatusWriter | undefined;
  let writes = 0;
  const open = async (evaluation: GateEvaluation) => {
    if (write) return write;
    const handle = await openDeployment(deps.client, settings, evaluation);
    writes += handle.requests;
    deploymentId = handle.id;
    deps.log(`deployment ${handle.id} ${handle.created ? "created" : "found"} for ${settings.environment}`);
    const url = own(evaluation.policy.environments, settings.environment)?.url;
    write = statusWriter(deps.client, settings, handle.id, url, (state) => {
      writes++;
      status = state;
    });
    return write;
  };
  const awaiting = async (evaluation: GateEvaluation): Promise<number | undefined> => {
    if (settings.dryRun) return undefined;
    await (
      await open(evaluation)
    )("pending", "awaiting", awaitingText(evaluation));
    return deploymentId;
  };

  const evaluation = await deps.phase("Gather evidence and decide", async () => {
    const first = await evaluateGate(deps, settings);
    deps.log(first.decision.summary);
    return evaluateUntilApproved(deps, settings, first, awaiting);
  });
  const { decision } = evaluation;

  let refused: string | undefined;
  if (decision.verdict === "allowed" && beforeRecord) refused = await beforeRecord(evaluation);

  await deps.phase("Record the decision", async () => {
    if (settings.dryRun) return deps.log("dry run: nothing written to GitHub");
    if (refused) return deps.log(`nothing recorded: ${refused}`);
    if (decision.verdict === "allowed") {
      const writeStatus = await open(evaluation);
      if (settings.mode === "gate") await writeStatus("queued", "step", passedText(evaluation));
    } else if (awaitsApproval(decision) && status !== "pending") await awaiting(evaluation);
    else deps.log(`nothing recorded: ${decision.verdict} (${decision.reasonCode})`);
  });

  const failure =
    decision.verdict === "allowed"
      ? refused
      : awaitsApproval(decision)
        ? `Awaiting approval: ${decision.summary}. The Tollgate App re-runs this job once the approvals are recorded.`
        : `${decision.verdict === "blocked" ? "Blocked" : "Not ready"}: ${decision.summary}`;
  return {
    evaluation,
    ...(deploymentId !== undefined ? { deploymentId } : {}),
    ...(status !== undefined ? { status } : {}),
    ...(write ? { write } : {}),
    requests: evaluation.requests + writes,
    ...(failure ? { failure } : {}),
  };
}
