/**
 * Holiday files on disk, for the commands that read a policy from a checkout (`validate`, `explain
 * --evidence`): the repository is the directory holding the policy's `.github` folder, or else the
 * policy's own directory, and `holidays_file` paths are read from there, as the gate reads them from the
 * default branch.
 */
import { basename, dirname, join } from "node:path";
import type { Policy } from "../policy/model.js";
import { holidayFilesOf } from "../readiness/business-days.js";
import type { Evidence } from "../readiness/evidence.js";
import { readOrExplain, type Io } from "./io.js";

/** Where the policy's repository starts: above `.github/`, or the policy's own directory. */
export function repositoryRootOf(policyFile: string): string {
  const dir = dirname(policyFile);
  return basename(dir) === ".github" ? dirname(dir) : dir;
}

/** `path` of the repository the policy file is in, as a local path. */
export const localPath = (policyFile: string, path: string): string =>
  join(repositoryRootOf(policyFile), path);

/**
 * The evidence with the holiday files the environment's notices count on, read from the checkout where
 * the evidence does not say how they were read. A file not found is recorded as such, and blocks.
 */
export async function withLocalHolidayFiles(
  io: Io,
  policyFile: string,
  policy: Policy,
  environment: string,
  evidence: Evidence,
): Promise<Evidence> {
  const files = { ...evidence.holiday_files };
  for (const path of holidayFilesOf([policy.environments[environment]])) {
    if (Object.hasOwn(files, path)) continue;
    const read = await readOrExplain(io, localPath(policyFile, path));
    files[path] = read.ok ? { text: read.text } : { unavailable: read.message };
  }
  return { ...evidence, holiday_files: files };
}
