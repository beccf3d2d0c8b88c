/**
 * `npm run demo [-- --fast] [-- --out report.html] [-- --keep]`: Tollgate's whole story in one command,
 * on the embedded GitHub sandbox — a policy, a PR's readiness check runs, approvals from comments, the
 * merge, staging deployed, production gated and approved, a canary with live traffic caught by its
 * analysis and rolled back, a `/rollback`, and the audit of it all. `--fast` skips the narration's
 * pauses. Everything it starts (sandbox, App, service, the Action's processes) is ended before it
 * exits, on success, on error and on Ctrl-C; with `--keep`, a successful story leaves the sandbox (and
 * only the sandbox) running, its pages showing what happened, until Ctrl-C.
 */
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { killChildren } from "./demo/action.js";
import { narrator } from "./demo/narrator.js";
import { playStory } from "./demo/story.js";

const { values } = parseArgs({
  options: {
    fast: { type: "boolean", default: false },
    out: { type: "string" },
    keep: { type: "boolean", default: false },
  },
});
const started = performance.now();
/** What to close, in the order it was started; `whenKept` closes it instead when the sandbox stays. */
const closers: { close: () => Promise<void>; whenKept?: (() => Promise<void>) | undefined }[] = [];
let keeping = false;
const cleanUp = async () => {
  killChildren();
  for (const { close } of closers.splice(0).reverse()) await close().catch(() => undefined);
};
/** --keep: stops everything but the sandbox; what stays is closed by cleanUp on Ctrl-C. */
const keepSandbox = async () => {
  killChildren();
  const staying: typeof closers = [];
  for (const closer of closers.splice(0).reverse()) {
    if (closer.whenKept) staying.unshift(closer);
    await (closer.whenKept ?? closer.close)().catch(() => undefined);
  }
  closers.push(...staying);
  keeping = true;
};
for (const signal of ["SIGINT", "SIGTERM"] as const)
  process.once(signal, () => {
    void cleanUp().finally(() => process.exit(keeping ? 0 : 130));
  });

const htmlPath = values.out ?? join(tmpdir(), `tollgate-demo-audit-${process.pid}.html`);
const n = narrator({
  fast: values.fast,
  color: process.stdout.isTTY === true && !process.env["NO_COLOR"],
  write: (text) => process.stdout.write(text),
  pauseMs: 1800,
});
try {
  const { pullRequestUrl } = await playStory({
    narrator: n,
    htmlPath,
    onClose: (close, whenKept) => closers.push({ close, whenKept }),
  });
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  process.stdout.write("\n");
  if (values.keep) {
    await keepSandbox();
    n.say(`Done in ${seconds} s. The App, the service and the Action's processes are stopped; the sandbox`);
    n.say(`keeps running, read-only, so you can look at what happened in a browser:`);
    n.link("pull request", pullRequestUrl);
    n.say(`Audit report (HTML): ${htmlPath}`);
    n.say(`Press Ctrl-C to stop the sandbox.`);
  } else {
    await cleanUp();
    n.say(`Done in ${seconds} s. Nothing left running.`);
    n.say(`Audit report (HTML): ${htmlPath}`);
  }
} catch (error) {
  await cleanUp();
  process.stderr.write(
    `\ndemo failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exitCode = 1;
}
