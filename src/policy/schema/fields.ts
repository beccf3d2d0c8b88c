/**
 * The building blocks the policy's sections share: names, texts, numbers, durations, commands,
 * approvers, URLs and time zones, each with the error a person sees when it is mistyped.
 */
import * as z from "zod";
import { DURATION_PATTERN } from "../duration.js";

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
export const name = (what: string) =>
  z
    .string()
    .regex(NAME, { error: `expected ${what}: letters, digits, ".", "_" or "-"` })
    .max(100, { error: `${what} is longer than 100 characters` });

export const durationSchema = z
  .string({ error: "expected a duration like 30s, 5m, 24h or 2d" })
  .regex(new RegExp(DURATION_PATTERN), { error: "expected a duration like 30s, 5m, 24h or 2d" })
  .meta({ description: "A duration: 30s, 5m, 24h, 2d, or combined (1h30m); 250ms for latencies." });

export const positiveInt = z
  .int({ error: "expected a positive integer" })
  .positive({ error: "expected a positive integer" });
export const nonNegativeInt = z
  .int({ error: "expected a whole number, 0 or more" })
  .nonnegative({ error: "expected a whole number, 0 or more" });

export const text = (what: string) => z.string({ error: `expected ${what}` }).min(1, { error: `${what} is empty` });

/** Shell commands, run by the Action with the deployment's context in TOLLGATE_* environment variables. */
export const commands = z
  .union([text("a command"), z.array(text("a command")).min(1, { error: "expected at least one command" })], {
    error: "expected a command or a list of commands",
  })
  .meta({ description: "A command, or a list of commands, run by bash with TOLLGATE_* variables set." });

export const APPROVER_PATTERN =
  /^(@[A-Za-z0-9][A-Za-z0-9-]*\/[A-Za-z0-9._-]+|role:(admin|maintain|write|triage|read)|group:[A-Za-z0-9][A-Za-z0-9._-]*|[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(\[bot\])?)$/;
export const approver = z
  .string({ error: "expected an approver" })
  .regex(APPROVER_PATTERN, {
    error:
      'expected an approver: a user ("alice"), a team ("@acme/sre"), a role ("role:admin") or a group ("group:leads")',
  })
  .meta({
    description:
      'A GitHub user ("alice"), a team ("@org/team"), a repository role or higher ("role:maintain"), or a named group ("group:leads").',
  });
export const approvers = z.array(approver).min(1, { error: "expected at least one approver" });

export const analysisRefs = z.array(name("an analysis name")).min(1).meta({ description: "Names from `analyses`." });

export const url = z
  .string({ error: "expected a URL" })
  .refine((s) => URL.canParse(s) && /^https?:/.test(s), { error: "expected an http(s) URL" });

export function isTimeZone(zone: string): boolean {
  if (!zone.includes("/") && zone !== "UTC") return false;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
