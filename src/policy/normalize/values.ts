/** The value shapes the policy writes loosely and the engine reads one way: durations and command lists. */
import { parseDuration } from "../duration.js";

/** A duration the schema validated, in milliseconds; `fallback` when the policy leaves it out. */
export const durationMs = (text: string | undefined, fallback = 0): number =>
  text === undefined ? fallback : parseDuration(text)!;
/** One command or a list of them, as a list. */
export const commandList = (commands: string | string[] | undefined): string[] =>
  commands === undefined ? [] : typeof commands === "string" ? [commands] : commands;
