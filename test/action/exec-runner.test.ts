import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "@jest/globals";
import { realClock } from "../../src/rollout/clock.js";
import { execRunner } from "../../src/action/exec-runner.js";
import { executeRollout } from "../../src/rollout/executor.js";
import { planRollout } from "../../src/rollout/plan.js";
import { planRollback } from "../../src/rollout/rollback.js";
import type { CommandRunner } from "../../src/rollout/types.js";
import { policyFrom } from "../rollout/helpers.js";

const dir = mkdtempSync(join(tmpdir(), "tollgate-exec-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const runner = execRunner({ silent: true });

describe("execRunner (real bash through @actions/exec)", () => {
  test("bash -e -o pipefail: exit codes, stdout, a failing pipe and an early failure", async () => {
    expect(await runner.run("echo hello; exit 3", {})).toEqual({ exitCode: 3, stdout: "hello\n" });
    expect((await runner.run("false | true", {})).exitCode).not.toBe(0);
    expect(await runner.run("false; echo after", {})).toMatchObject({ exitCode: 1, stdout: "" });
    expect((await execRunner({ silent: true, cwd: dir }).run("pwd", {})).stdout.trim()).toBe(dir);
  });

  test("hostile PR titles and branch names reach commands as data only", async () => {
    const marker = join(dir, "pwned");
    const victim = join(dir, "victim");
    mkdirSync(victim);
    const title = [
      `fix: $(touch ${marker})`,
      `\`touch ${marker}-backtick\``,
      `; rm -rf ${victim}; echo "double" 'single' \\ $HOME`,
      `&& touch ${marker}-and || touch ${marker}-or > ${marker}-redirect`,
    ].join("\n");
    const branch = `feat/"; touch ${marker}-branch; echo "'$(id)'`;
    const command = [
      `printf '%s' "$TOLLGATE_PR_TITLE" > ${dir}/title`,
      `printf '%s' "$TOLLGATE_BRANCH" > ${dir}/branch`,
      `printf '%s' "$TOLLGATE_SHA $TOLLGATE_WEIGHT" > ${dir}/sha`,
    ].join("\n");
    const policy = policyFrom(`
version: 1
strategies:
  direct: { type: direct, run: ${JSON.stringify(command)} }
environments:
  production: { approval: none }
`);
    const seen: string[] = [];
    const recording: CommandRunner = {
      run: (cmd, env) => {
        seen.push(cmd);
        return runner.run(cmd, env);
      },
    };
    const environment = policy.environments.production!;
    const result = await executeRollout({
      plan: planRollout(policy.strategies.direct!, environment, policy.analyses),
      context: {
        environment: "production",
        sha: "c".repeat(40),
        strategy: "direct",
        pullRequest: { number: 1, title, branch },
      },
      runner: recording,
      clock: realClock,
      rollback: planRollback(policy.strategies.direct!, environment, policy.analyses),
    });

    expect(result.outcome).toBe("success");
    expect(seen).toEqual([command]);
    expect(readFileSync(join(dir, "title"), "utf8")).toBe(title);
    expect(readFileSync(join(dir, "branch"), "utf8")).toBe(branch);
    expect(readFileSync(join(dir, "sha"), "utf8")).toBe(`${"c".repeat(40)} 100`);
    for (const suffix of ["", "-backtick", "-and", "-or", "-redirect", "-branch"])
      expect(existsSync(`${marker}${suffix}`)).toBe(false);
    expect(existsSync(victim)).toBe(true);
  });
});
