/**
 * The policy commands of a rollout against the sample service, as a runner runs them (bash scripts in a
 * directory): `deploy.sh` applies a step and, at the weight named by `faultAt`, turns the service's faults
 * up as a bad version would, noting the moment; `rollback.sh` notes when it started and turns them down.
 * The reaction test and the reaction benchmark both measure from the one note to the other.
 */
import { chmodSync, existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Faults } from "./sample-service.js";

export interface CanaryScripts {
  readonly deploy: string;
  readonly rollback: string;
  /** The next deploy of `weight` turns these faults on. */
  faultAt(weight: number, faults: Partial<Faults>): void;
  /** Forgets the fault and every note. */
  reset(): void;
  /** Epoch ms when the fault went live / the rollback command started, once they have. */
  faultsOnAt(): number | undefined;
  rollbackAt(): number | undefined;
  /** Whether a deploy of `weight` to `environment` has been applied. */
  applied(environment: string, weight: number): boolean;
  /** One line per command run: "deploy <environment> <weight>", "rollback <environment>". */
  log(): string[];
}

const NOTES = ["log", "fault-at", "fault", "faults-on", "rollback-at"];

export function canaryScripts(dir: string, serviceUrl: string): CanaryScripts {
  const control = `${serviceUrl}/control`;
  const script = (name: string, body: string) => {
    const path = join(dir, name);
    writeFileSync(path, `#!/usr/bin/env bash\nset -euo pipefail\nD=${JSON.stringify(dir)}\n${body}\n`);
    chmodSync(path, 0o755);
    return path;
  };
  const deploy = script(
    "deploy.sh",
    `echo "deploy $TOLLGATE_ENVIRONMENT $TOLLGATE_WEIGHT" >> "$D/log"
if [ -f "$D/fault-at" ] && [ "$(cat "$D/fault-at")" = "$TOLLGATE_WEIGHT" ]; then
  curl -sf -X POST -H 'content-type: application/json' --data-binary @"$D/fault" ${control} >/dev/null
  date +%s%3N > "$D/faults-on"
fi
touch "$D/applied-$TOLLGATE_ENVIRONMENT-$TOLLGATE_WEIGHT"`,
  );
  const rollback = script(
    "rollback.sh",
    `date +%s%3N > "$D/rollback-at"
echo "rollback $TOLLGATE_ENVIRONMENT" >> "$D/log"
curl -sf -X POST -H 'content-type: application/json' -d '{"errorRate":0,"latencyMs":0}' ${control} >/dev/null`,
  );
  const note = (name: string) => {
    const path = join(dir, name);
    return existsSync(path) ? Number(readFileSync(path, "utf8").trim()) : undefined;
  };
  return {
    deploy,
    rollback,
    faultAt(weight, faults) {
      writeFileSync(join(dir, "fault"), JSON.stringify(faults));
      writeFileSync(join(dir, "fault-at"), String(weight));
    },
    reset() {
      for (const name of NOTES) rmSync(join(dir, name), { force: true });
    },
    faultsOnAt: () => note("faults-on"),
    rollbackAt: () => note("rollback-at"),
    applied: (environment, weight) => existsSync(join(dir, `applied-${environment}-${weight}`)),
    log: () =>
      existsSync(join(dir, "log")) ? readFileSync(join(dir, "log"), "utf8").trim().split("\n") : [],
  };
}
