/**
 * No import circles among the sandbox's modules, nor among src/'s: a reader can start from any file and
 * follow its imports down to leaves (the records in sandbox/model.ts, the errors in sandbox/errors.ts)
 * without coming back where they began. The graph is read with a regex over relative
 * `import … from "./…"` and `export … from "./…"` lines (type-only ones count too: a circle of types is
 * still a circle to read), so the check needs no TypeScript.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, test } from "@jest/globals";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

const RELATIVE_IMPORT = /^\s*(?:import|export)\s[^;]*?\sfrom\s+["'](\.{1,2}\/[^"']+)["']/gm;
const SIDE_EFFECT_IMPORT = /^\s*import\s+["'](\.{1,2}\/[^"']+)["']/gm;

type Graph = Map<string, string[]>;

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return tsFiles(path);
    return e.name.endsWith(".ts") ? [path] : [];
  });
}

/** Each file's relative imports inside `folder`, as paths from the repository root. */
function importGraph(folder: string): Graph {
  const files = tsFiles(join(ROOT, folder));
  const known = new Set(files);
  const graph: Graph = new Map();
  for (const file of files) {
    const source = readFileSync(file, "utf8");
    const specifiers = [...source.matchAll(RELATIVE_IMPORT), ...source.matchAll(SIDE_EFFECT_IMPORT)].map(
      (m) => m[1] ?? "",
    );
    const targets = specifiers
      .map((s) => join(dirname(file), s.replace(/\.js$/, ".ts")))
      .filter((target) => known.has(target));
    graph.set(
      relative(ROOT, file),
      [...new Set(targets)].map((t) => relative(ROOT, t)),
    );
  }
  return graph;
}

/**
 * The circles a depth-first walk meets — at least one through every tangle of files — each as the files
 * along it, the first repeated at the end.
 */
function cycles(graph: Graph): string[][] {
  const found = new Map<string, string[]>();
  const done = new Set<string>();
  const path: string[] = [];
  const onPath = new Set<string>();
  const visit = (file: string): void => {
    path.push(file);
    onPath.add(file);
    for (const next of graph.get(file) ?? []) {
      if (onPath.has(next)) {
        const circle = path.slice(path.indexOf(next));
        // The same circle entered at another file: keep one, keyed by its sorted members.
        found.set([...circle].sort().join(" "), [...circle, next]);
      } else if (!done.has(next)) visit(next);
    }
    path.pop();
    onPath.delete(file);
    done.add(file);
  };
  for (const file of [...graph.keys()].sort()) if (!done.has(file)) visit(file);
  return [...found.values()];
}

const describeCycles = (found: string[][]): string => found.map((c) => c.join(" → ")).join("\n");

describe("import circles", () => {
  test("the graph is read: sandbox/state.ts imports the rate limits and the records", () => {
    const graph = importGraph("sandbox");
    expect(graph.get("sandbox/state.ts")).toEqual(
      expect.arrayContaining(["sandbox/ratelimit.ts", "sandbox/model.ts"]),
    );
    // A re-export is an edge too.
    expect(graph.get("sandbox/http.ts")).toEqual(expect.arrayContaining(["sandbox/errors.ts"]));
    expect(graph.size).toBeGreaterThan(70);
  });

  test("a circle is found and named file by file", () => {
    const graph: Graph = new Map([
      ["a.ts", ["b.ts"]],
      ["b.ts", ["c.ts"]],
      ["c.ts", ["a.ts", "d.ts"]],
      ["d.ts", []],
    ]);
    expect(describeCycles(cycles(graph))).toBe("a.ts → b.ts → c.ts → a.ts");
    expect(
      cycles(
        new Map([
          ["a.ts", ["d.ts"]],
          ["d.ts", []],
        ]),
      ),
    ).toEqual([]);
  });

  test("sandbox/ has none (move the shared type or function into a module below both)", () => {
    expect(describeCycles(cycles(importGraph("sandbox")))).toBe("");
  });

  test("src/ has none (move the shared type or function into a module below both)", () => {
    expect(describeCycles(cycles(importGraph("src")))).toBe("");
  });
});
