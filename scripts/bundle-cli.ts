/**
 * Bundles the compiled CLI (lib/src/cli/) into lib/bundle/cli/: one file per command plus shared chunks.
 * Node resolves and reads each ES module separately, and zod alone is about a hundred of them: bundled,
 * `tollgate validate` starts in about three quarters of the time (BENCHMARKS.md, "CLI startup").
 * Commands stay loaded on use: each `import()` in src/cli/main.ts becomes its own chunk.
 *
 * The sandbox is left out: it reads GitHub's contract files next to its own modules, so it must run from
 * lib/sandbox/. Its import in src/cli/sandbox.ts is relative ("../../sandbox/index.js"), and the bundle
 * sits two folders below lib/ like the compiled CLI, so the same path reaches it from either place.
 */
import { rmSync, writeFileSync } from "node:fs";
import { build } from "esbuild";

// Chunk names carry a content hash: clear the last build's, so none are left behind.
rmSync("lib/bundle/cli", { recursive: true, force: true });

const { metafile } = await build({
  entryPoints: ["lib/src/cli/main.js"],
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  outdir: "lib/bundle/cli",
  entryNames: "[name]",
  chunkNames: "[name]-[hash]",
  external: ["../../sandbox/index.js"],
  // The bundle is an ES module, but some dependencies are CommonJS and `require` Node's own modules
  // ("http", …): give them a require, which ES modules lack.
  banner: {
    js: 'import { createRequire as __tollgateRequire } from "node:module"; const require = __tollgateRequire(import.meta.url);',
  },
  // Node compiles every byte it loads: minified, validate's chunks compile in about two thirds the time.
  minify: true,
  metafile: true,
  logLevel: "warning",
});
// Which modules each chunk holds, for the test that checks each command loads only what it needs.
writeFileSync("lib/bundle/cli/meta.json", JSON.stringify(metafile));
