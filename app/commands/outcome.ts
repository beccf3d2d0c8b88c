/** What answering a command comes to: a reaction on the comment, and a reply when there is something to say. */
import type { PullFacts } from "../../src/github/pull-facts.js";
import type { Deps } from "../readiness-checks.js";

export interface Outcome {
  readonly reaction: "+1" | "-1";
  readonly reply?: string;
}

export interface CommandContext extends Deps {
  readonly issueNumber: number;
  readonly comment: {
    readonly id: number;
    readonly url: string;
    readonly createdAt: string;
    readonly login: string;
  };
  /** The PR the command was given on, when the handler read it already. */
  readonly pull?: PullFacts;
}

export const done = (reply?: string): Outcome => ({ reaction: "+1", ...(reply ? { reply } : {}) });

/** Refusals name the command kind and why; they never quote the comment. */
export const refuse = (what: string, why: string): Outcome => ({
  reaction: "-1",
  reply: `Tollgate did not act on this ${what}: ${why}.`,
});
