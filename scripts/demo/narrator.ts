/** The terminal narration: a header per act, indented lines, links to click, and pauses to read them. */
import { stepHeader, type Step } from "./steps.js";

export interface Narrator {
  step(step: Step): Promise<void>;
  say(text: string): void;
  /** Something a person would click on GitHub (here, the sandbox's web-style URL). */
  link(label: string, url: string): void;
  /** A quoted block (a comment, the Action's log). */
  quote(text: string, prefix?: string): void;
  pause(ms: number): Promise<void>;
}

const BOLD = (s: string, color: boolean) => (color ? `\x1b[1m${s}\x1b[0m` : s);
const DIM = (s: string, color: boolean) => (color ? `\x1b[2m${s}\x1b[0m` : s);

export function narrator(options: {
  fast: boolean;
  color: boolean;
  write: (text: string) => void;
  /** Pause after each act's header and before the next act, in normal mode. */
  pauseMs: number;
}): Narrator {
  const { fast, color, write } = options;
  const pause = (ms: number) => (fast ? Promise.resolve() : new Promise<void>((r) => setTimeout(r, ms)));
  let started = false;
  return {
    async step(step) {
      if (started) await pause(options.pauseMs);
      started = true;
      write(`\n${BOLD(stepHeader(step), color)}\n`);
    },
    say: (text) => write(`  ${text}\n`),
    link: (label, url) => write(`  ↗ ${label}: ${url}\n`),
    quote(text, prefix = "│ ") {
      for (const line of text.trimEnd().split("\n")) write(`    ${DIM(`${prefix}${line}`, color)}\n`);
    },
    pause,
  };
}
