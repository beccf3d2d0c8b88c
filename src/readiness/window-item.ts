/**
 * The checklist's "Deployment window" item: inside the policy's weekly windows it passes; outside them a
 * change type the windows let through is waived and its override recorded; any other change fails with
 * when the next window opens.
 */
import type { Windows } from "../policy/model.js";
import type { ChecklistResult, Override, ReasonCode } from "./decision.js";
import { checkWindows, describeInstant, nextOpening } from "./windows.js";

export function windowItem(
  windows: Windows,
  changeType: string,
  now: Date,
): { item: ChecklistResult; override?: Override } {
  const check = checkWindows(windows, now);
  if (check.open)
    return {
      item: {
        id: "window",
        title: "Deployment window",
        state: "passed",
        code: "ready",
        reason: "inside the deployment windows",
      },
    };
  if (windows.overrideChangeTypes.includes(changeType))
    return {
      override: { kind: check.kind, changeType, reason: check.reason },
      item: {
        id: "window",
        title: "Deployment window",
        state: "waived",
        code: "ready",
        reason: `${check.reason}; allowed for ${changeType} changes (override recorded)`,
      },
    };
  const code: ReasonCode =
    check.kind === "freeze" ? "freeze_active" : check.kind === "blackout" ? "blackout_date" : "window_closed";
  const overrides = windows.overrideChangeTypes;
  const opens = nextOpening(windows, now);
  const next = opens
    ? `the next window opens ${describeInstant(opens, windows.timezone)}`
    : "no window opens within a year";
  return {
    item: {
      id: "window",
      title: "Deployment window",
      state: "failed",
      code,
      ...(opens ? { until: opens.toISOString() } : {}),
      reason: `${check.reason}; ${next}`,
      fix:
        overrides.length > 0
          ? `wait for the next window, or label the PR as ${overrides.join(" or ")} if it is one`
          : "wait for the next window",
    },
  };
}
