/**
 * `npm run demo [-- --fast] [-- --out report.html]`: Tollgate's whole story in one command, on the
 * embedded GitHub sandbox — a policy, a PR's readiness check runs, approvals from comments, the merge,
 * staging deployed, production gated and approved, a canary with live traffic caught by its analysis
 * and rolled back, a `/rollback`, and the audit of it all. `--fast` skips the narration's pauses.
 * Everything it starts (sandbox, App, service, the Action's processes) is ended before it exits,
 * on success, on error and on Ctrl-C.
 */
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { killChildren } from "./demo/action.js";
import { narrator } from "./demo/narrator.js";
import { playStory } from "./demo/story.js";

const { values } = parseArgs({
  options: { fast: { type: "boolean", default: false }, out: { type: "string" } },
});
const started = performance.now();
const closers: (() => Promise<void>)[] = [];
const cleanUp = async () => {
  killChildren();
  for (const close of closers.splice(0).reverse()) await close().catch(() => undefined);
};
for (const signal of ["SIGINT", "SIGTERM"] as const)
  process.once(signal, () => {
    void cleanUp().finally(() => process.exit(130));
  });

const htmlPath = values.out ?? join(tmpdir(), `tollgate-demo-audit-${process.pid}.html`);
const n = narrator({
  fast: values.fast,
  color: process.stdout.isTTY === true && !process.env["NO_COLOR"],
  write: (text) => process.stdout.write(text),
  pauseMs: 1800,
});
try {
  await playStory({ narrator: n, htmlPath, onClose: (close) => closers.push(close) });
  await cleanUp();
  process.stdout.write("\n");
  n.say(`Done in ${((performance.now() - started) / 1000).toFixed(1)} s. Nothing left running.`);
  n.say(`Audit report (HTML): ${htmlPath}`);
} catch (error) {
  await cleanUp();
  process.stderr.write(
    `\ndemo failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exitCode = 1;
}
