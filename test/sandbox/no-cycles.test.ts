/**
 * No import circles among the sandbox's modules, nor among src/'s: a reader can start from any file and
 * follow its imports down to leaves (the records in sandbox/model.ts, the errors in sandbox/errors.ts)
 * without coming back where they began. The graph is read with a regex over relative
 * `import … from "./…"` and `export … from "./…"` lines (type-only ones count too: a circle of types is
 * still a circle to read), so the check needs no TypeScript.
 *
 * src/'s top-level folders import one way too (policy ← approvals ← readiness, policy ← rollout, and the
 * adapters above them): two folders that reach each other through different files have no file circle,
 * yet neither can be read without the other.
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

/** The top-level folder a file lives in ("src/policy"); a file directly in the root stands for itself. */
function folderOf(file: string): string {
  const [root, folder, ...rest] = file.split("/");
  return rest.length > 0 ? `${root}/${folder}` : file;
}

/** The graph between top-level folders: one imports another when any of its files does. */
function folderGraph(files: Graph): Graph {
  const folders: Graph = new Map();
  for (const [file, targets] of files) {
    const from = folderOf(file);
    const to = targets.map(folderOf).filter((folder) => folder !== from);
    folders.set(from, [...new Set([...(folders.get(from) ?? []), ...to])]);
  }
  return folders;
}

/** Each folder circle, step by step with (the first few of) the file imports that make the step: where the fix starts. */
function describeFolderCycles(found: string[][], files: Graph): string {
  return found
    .map((circle) => {
      const steps = circle.slice(1).map((to, i) => {
        const from = circle[i] ?? "";
        const imports = [...files].flatMap(([file, targets]) =>
          folderOf(file) === from
            ? targets.filter((t) => folderOf(t) === to).map((t) => `${file} → ${t}`)
            : [],
        );
        const more = imports.length > 3 ? ` and ${imports.length - 3} more` : "";
        return `  ${from} → ${to}: ${imports.slice(0, 3).join(", ")}${more}`;
      });
      return [circle.join(" → "), ...steps].join("\n");
    })
    .join("\n");
}

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

  test("a folder circle is found though no file circle is, and named with the imports behind it", () => {
    const files: Graph = new Map([
      ["src/a/x.ts", ["src/b/y.ts", "src/a/w.ts"]],
      ["src/a/w.ts", []],
      ["src/b/y.ts", []],
      ["src/b/z.ts", ["src/a/w.ts"]],
      ["src/c/v.ts", ["src/a/w.ts"]],
    ]);
    expect(describeCycles(cycles(files))).toBe("");
    expect(describeFolderCycles(cycles(folderGraph(files)), files)).toBe(
      [
        "src/a → src/b → src/a",
        "  src/a → src/b: src/a/x.ts → src/b/y.ts",
        "  src/b → src/a: src/b/z.ts → src/a/w.ts",
      ].join("\n"),
    );
    // Imports inside one folder, and a folder only imported, make no circle.
    files.set("src/b/z.ts", ["src/b/y.ts"]);
    expect(cycles(folderGraph(files))).toEqual([]);
  });

  test("the folder graph is read: readiness uses policy and approvals, and every top-level folder is in it", () => {
    const folders = folderGraph(importGraph("src"));
    expect(folders.get("src/readiness")).toEqual(expect.arrayContaining(["src/policy", "src/approvals"]));
    expect(folders.get("src/rollout")).toEqual(expect.arrayContaining(["src/policy"]));
    const topLevel = readdirSync(join(ROOT, "src"), { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => `src/${e.name}`);
    expect(topLevel.length).toBeGreaterThanOrEqual(9);
    expect([...folders.keys()]).toEqual(expect.arrayContaining(topLevel));
  });

  test("src/'s top-level folders import one way (move the shared type or function to the folder that owns it)", () => {
    const files = importGraph("src");
    expect(describeFolderCycles(cycles(folderGraph(files)), files)).toBe("");
  });
});
