/**
 * Runs the benchmarks and writes their figures into BENCHMARKS.md, each in its own marked section, so
 * one benchmark can be re-run without losing the others: `npm run bench [-- NAME …]`.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { benchAction } from "./action.js";
import { benchApp } from "./app.js";
import { benchAudit } from "./audit.js";
import { benchCost } from "./cost.js";
import { benchAuthority } from "./authority.js";
import { benchBurst } from "./burst.js";
import { benchExplain } from "./explain.js";
import { benchOrg } from "./org.js";
import { benchRollout } from "./rollout.js";
import { benchSandbox } from "./sandbox.js";
import { benchStartup } from "./startup.js";

const BENCHMARKS: Record<string, () => Promise<string>> = {
  explain: benchExplain,
  authority: benchAuthority,
  sandbox: benchSandbox,
  rollout: benchRollout,
  audit: benchAudit,
  app: benchApp,
  action: benchAction,
  cost: benchCost,
  burst: benchBurst,
  startup: benchStartup,
  org: benchOrg,
};

const FILE = "BENCHMARKS.md";
const HEADER =
  "# Benchmarks\n\nFigures written by `npm run bench` (bench/). Medians and ratios are measured side by side in one run; the machines are noisy, so compare within a section, not across runs.\n";

const selected = process.argv.slice(2).length > 0 ? process.argv.slice(2) : Object.keys(BENCHMARKS);
let document = existsSync(FILE) ? readFileSync(FILE, "utf8") : HEADER;
for (const name of selected) {
  const bench = BENCHMARKS[name];
  if (!bench) throw new Error(`unknown benchmark "${name}" (known: ${Object.keys(BENCHMARKS).join(", ")})`);
  console.error(`running ${name} …`);
  const section = `<!-- bench:${name} -->\n${await bench()}\n\n_Measured ${new Date().toISOString().slice(0, 10)}._\n<!-- /bench:${name} -->`;
  const pattern = new RegExp(`<!-- bench:${name} -->[\\s\\S]*?<!-- /bench:${name} -->`);
  document = pattern.test(document)
    ? document.replace(pattern, section)
    : `${document.trimEnd()}\n\n${section}\n`;
  console.log(section);
}
writeFileSync(FILE, document);
