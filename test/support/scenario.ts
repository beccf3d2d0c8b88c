/**
 * A test file that tells one story step by step (each step builds on the world the previous ones left)
 * declares its steps with `step` instead of `test`. When a step fails, every later step fails at once
 * with the name of the step that broke, instead of a cascade of 404s and `undefined`s that hide it.
 */
import { test } from "@jest/globals";
import { PROCESS_TEST_MS } from "./timeouts.js";

export function scenario(): (name: string, run: () => Promise<void> | void, timeoutMs?: number) => void {
  let broken: string | undefined;
  return (name, run, timeoutMs = PROCESS_TEST_MS) =>
    test(
      name,
      async () => {
        if (broken !== undefined)
          throw new Error(`not run: this scenario broke at an earlier step, "${broken}"; fix that one first`);
        try {
          await run();
        } catch (error) {
          broken = name;
          throw error;
        }
      },
      timeoutMs,
    );
}
