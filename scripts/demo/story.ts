/**
 * The story `npm run demo` plays, act by act (steps.ts), on the embedded sandbox: the real App serving
 * signed webhooks, the real Action (`node dist/index.js`) run as each workflow job would run it, and a
 * small service with live traffic for the canary. The acts live in stage.ts (1), acts-review.ts (2–5),
 * acts-deploy.ts (6–9) and acts-rollout.ts (10–14); the audit (15) is here. Returns the pull request's
 * page, for `--keep`.
 */
import { writeFile } from "node:fs/promises";
import { httpClient, renderHtml, renderMarkdown, runAudit } from "../../src/audit/index.js";
import { deployThroughGate } from "./acts-deploy.js";
import { reviewPullRequest } from "./acts-review.js";
import { rollOut } from "./acts-rollout.js";
import type { Narrator } from "./narrator.js";
import { setTheStage, type Stage } from "./stage.js";
import { ORG, REPO } from "./world.js";

export interface StoryOptions {
  readonly narrator: Narrator;
  /** Where the audit's HTML report goes. */
  readonly htmlPath: string;
  /**
   * Called with everything that must be closed, as soon as it exists; `whenKept` is what to close
   * instead when the sandbox is kept running after the story (`--keep`): everything but the sandbox.
   */
  readonly onClose: (close: () => Promise<void>, whenKept?: () => Promise<void>) => void;
}

export async function playStory({
  narrator: n,
  htmlPath,
  onClose,
}: StoryOptions): Promise<{ pullRequestUrl: string }> {
  const stage = await setTheStage(n, onClose);
  const pr = await reviewPullRequest(stage);
  const deploy = await deployThroughGate(stage, pr);
  await rollOut(stage, pr, deploy);
  await audit(stage, htmlPath);
  return { pullRequestUrl: pr.html_url };
}

/** Act 15: the audit reads the resulting history from GitHub alone, in the terminal and as HTML. */
async function audit({ n, world }: Stage, htmlPath: string): Promise<void> {
  await n.step("The audit of the resulting history");
  const report = await runAudit(
    httpClient({
      apiUrl: world.sandbox.apiUrl,
      graphqlUrl: world.sandbox.graphqlUrl,
      token: world.tokens.owner,
    }),
    { owner: ORG, name: REPO, appLogin: world.bot },
  );
  n.say(
    `runAudit read ${report.records.length} deployments in ${report.requests} API request(s), from GitHub's history alone:`,
  );
  n.quote(terminalMarkdown(renderMarkdown(report)), "");
  await writeFile(htmlPath, renderHtml(report));
  n.say(`HTML report: ${htmlPath}`);
}

/** The audit's Markdown for a terminal: the Mermaid charts are for GitHub to draw, not for a terminal. */
function terminalMarkdown(markdown: string): string {
  return markdown.replace(/## Charts\n[\s\S]*?(?=\n## )/, "").replace(/\n{3,}/g, "\n\n");
}
