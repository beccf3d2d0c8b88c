/**
 * The App reads code scanning and secret scanning alerts with the permissions app.yml asks for, and its
 * check run blocks on an open alert, or on a scanner it cannot read, naming what to enable.
 */
import { afterAll, beforeAll, expect, test } from "@jest/globals";
import { PROCESS_TEST_MS } from "../support/timeouts.js";
import { FULL, openPullRequest } from "../../sandbox/seed/index.js";
import { type AppWorld, latestChecks, settled, startAppWorld } from "../../scripts/worlds/app-world.js";

const POLICY = `version: 1
checklist:
  security: { security_alerts: high }
environments:
  production:
    approval: none
    checklist: [security]
`;

let world: AppWorld;
beforeAll(async () => {
  world = await startAppWorld({ policy: POLICY, people: ["dave"] });
}, PROCESS_TEST_MS);
afterAll(() => world.close());

async function productionCheck(branch: string) {
  const pr = await openPullRequest(world, "dave", { branch, title: branch, body: "A change." });
  await settled(world);
  return (await latestChecks(world, pr.head)).get("Tollgate · production");
}

test(
  "scanners off, then on and clean, then a leaked secret: the check run follows each",
  async () => {
    const off = await productionCheck("scanners-off");
    expect(off?.conclusion).toBe("failure");
    expect(off?.output.summary).toContain("code scanning is not enabled");
    expect(off?.output.summary).toContain("secret scanning is not enabled");

    const control = world.sandbox.client;
    await control.control("PUT", `/repos/${FULL}/scanners/code-scanning`, { enabled: true });
    await control.control("PUT", `/repos/${FULL}/scanners/secret-scanning`, { enabled: true });
    await control.control("POST", `/repos/${FULL}/alerts/code-scanning`, { security_severity_level: "low" });
    const clean = await productionCheck("scanners-on");
    expect({ conclusion: clean?.conclusion, summary: clean?.output.summary }).toMatchObject({
      conclusion: "success",
    });

    await control.control("POST", `/repos/${FULL}/alerts/secret-scanning`, {});
    const leaked = await productionCheck("secret-leaked");
    expect(leaked?.conclusion).toBe("failure");
    expect(leaked?.output.summary).toContain("open security alerts: 1 critical");
  },
  PROCESS_TEST_MS,
);
