/**
 * dist/ is what runners execute, so it must be exactly what src/ builds to: rebuilt into a temporary
 * directory (one ncc build, ~15–30 s) and compared file by file, new and missing files included.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, expect, test } from "@jest/globals";
import { STORY_TEST_MS } from "../support/timeouts.js";

const NCC = join(process.cwd(), "node_modules", "@vercel", "ncc", "dist", "ncc", "cli.js");
const DIST = join(process.cwd(), "dist");
let fresh: string;

function files(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((f) => statSync(join(dir, f)).isFile())
    .map((f) => relative(dir, join(dir, f)))
    .sort();
}

beforeAll(async () => {
  fresh = mkdtempSync(join(tmpdir(), "tollgate-dist-"));
  // The same command as `npm run bundle`, into the temporary directory.
  await promisify(execFile)(process.execPath, [
    NCC,
    "build",
    "src/action/main.ts",
    "-o",
    fresh,
    "--source-map",
    "--license",
    "licenses.txt",
    "-m",
    "-q",
  ]);
}, STORY_TEST_MS);
afterAll(() => rmSync(fresh, { recursive: true, force: true }));

test("dist/ is what src/ builds to: same files, same bytes (run `npm run bundle`)", () => {
  expect(files(DIST)).toEqual(files(fresh));
  const stale = files(fresh).filter((f) => !readFileSync(join(DIST, f)).equals(readFileSync(join(fresh, f))));
  expect(stale).toEqual([]);
});

test("the bundle is an ES module, within 2 MB, with its licenses", () => {
  expect(JSON.parse(readFileSync(join(DIST, "package.json"), "utf8"))).toEqual({ type: "module" });
  expect(statSync(join(DIST, "index.js")).size).toBeLessThanOrEqual(2 * 1024 * 1024);
  expect(readFileSync(join(DIST, "licenses.txt"), "utf8")).toContain("@actions/core");
});
