/**
 * The benchmarks and the scripts (the demo, the metrics worlds, the shared runners in scripts/worlds/)
 * stand on the sandbox's seeding module and their own code, never on a test file: the tests may change
 * their helpers freely, and a benchmark never loads jest-only code. The import specifiers are read with a
 * regex (static and dynamic imports, side-effect imports, re-exports), so the check needs no TypeScript.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, test } from "@jest/globals";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

const SPECIFIERS = [
  /^\s*(?:import|export)\s[^;]*?\sfrom\s+["']([^"']+)["']/gm,
  /^\s*import\s+["']([^"']+)["']/gm,
  /\bimport\(\s*["']([^"']+)["']\s*\)/g,
];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return e.name === "node_modules" ? [] : sourceFiles(path);
    return /\.(?:ts|mts|js|mjs)$/.test(e.name) ? [path] : [];
  });
}

/** Every `file → specifier` in `folders` whose relative specifier lands inside test/. */
function importsOfTests(folders: readonly string[]): string[] {
  const testDir = join(ROOT, "test") + sep;
  return folders.flatMap((folder) =>
    sourceFiles(join(ROOT, folder)).flatMap((file) => {
      const source = readFileSync(file, "utf8");
      return SPECIFIERS.flatMap((pattern) => [...source.matchAll(pattern)].map((m) => m[1] ?? ""))
        .filter((s) => s.startsWith("."))
        .filter((s) => join(dirname(file), s).startsWith(testDir))
        .map((s) => `${relative(ROOT, file)} → ${s}`);
    }),
  );
}

test("no file in bench/ or scripts/ imports from test/", () => {
  expect(importsOfTests(["bench", "scripts"])).toEqual([]);
});

test("the check sees an import of a test file, static or dynamic", () => {
  // The same reading over test/ itself must find test files importing each other, or the regexes are blind.
  const own = importsOfTests(["test/app"]);
  expect(own.some((line) => line.includes("./fixtures.js"))).toBe(true);
});
