/**
 * Bundles the compiled CLI (lib/src/cli/) into lib/bundle/cli/: one file per command plus shared chunks.
 * Node resolves and reads each ES module separately, and zod alone is about a hundred of them: bundled,
 * `tollgate validate` starts in about three quarters of the time (BENCHMARKS.md, "CLI startup").
 * Commands stay loaded on use: each `import()` in src/cli/main.ts becomes its own chunk.
 *
 * `validate`, which should start within 2× a bare Node, is bundled once more on its own as CommonJS
 * (validate.cjs) with V8's code cache of a run over the example policies beside it (src/cli/code-cache.ts):
 * Node 20 caches compiled code for no module, and compiling the policy loader (zod, js-yaml, the schema)
 * was the largest part of validate's start left.
 *
 * The sandbox is left out: it reads GitHub's contract files next to its own modules, so it must run from
 * lib/sandbox/. Its import in src/cli/sandbox.ts is relative ("../../sandbox/index.js"), and the bundle
 * sits two folders below lib/ like the compiled CLI, so the same path reaches it from either place.
 */
import { execFileSync } from "node:child_process";
import { readdirSync, rmSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { build, type Plugin } from "esbuild";

const OUT = "lib/bundle/cli";

/**
 * In the bundle, main.js's `import("./validate.js")` loads validate.cjs through the code cache instead;
 * unbundled (tests, `tsx`) it stays the plain module.
 */
const validateFromCache: Plugin = {
  name: "validate-from-cache",
  setup(build) {
    build.onResolve({ filter: /^\.\/validate\.js$/ }, (args) =>
      args.importer.endsWith("/lib/src/cli/main.js") ? { path: "validate", namespace: "cached" } : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: "cached" }, () => ({
      contents: [
        'import { requireWithCodeCache } from "./code-cache.js";',
        'export const { validateCommand } = requireWithCodeCache(new URL("./validate.cjs", import.meta.url)).exports;',
      ].join("\n"),
      resolveDir: resolve("lib/src/cli"),
    }));
  },
};

// Chunk names carry a content hash: clear the last build's, so none are left behind.
rmSync(OUT, { recursive: true, force: true });

const { metafile } = await build({
  entryPoints: ["lib/src/cli/main.js"],
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  outdir: OUT,
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
  plugins: [validateFromCache],
});

const validate = await build({
  entryPoints: ["lib/src/cli/validate.js"],
  bundle: true,
  format: "cjs",
  platform: "node",
  target: "node20",
  outfile: `${OUT}/validate.cjs`,
  minify: true,
  metafile: true,
  logLevel: "warning",
});

// The cache holds what a run compiled: run validate over every example policy, then write it. A plain
// `node`, as the CLI runs: V8 refuses a cache made with other flags.
const policies = readdirSync("examples/policies").map((name) => `examples/policies/${name}/tollgate.yml`);
execFileSync(process.execPath, [
  "--input-type=module",
  "-e",
  `const { requireWithCodeCache } = await import("./lib/src/cli/code-cache.js");
  const loaded = requireWithCodeCache(new URL(${JSON.stringify(pathToFileURL(`${OUT}/validate.cjs`).href)}));
  const io = { out() {}, err() {}, readFile: (path) => import("node:fs/promises").then((fs) => fs.readFile(path, "utf8")) };
  for (const policy of ${JSON.stringify(policies)}) await loaded.exports.validateCommand([policy], io);
  loaded.writeCache();`,
]);

// Which modules each chunk holds, for the test that checks each command loads only what it needs. The
// chunk that loads validate.cjs stands for validate.cjs's modules too.
const loader = Object.values(metafile.outputs).find((output) => "cached:validate" in output.inputs);
if (!loader) throw new Error("bundle-cli: no chunk loads validate.cjs; is validate still imported by main?");
Object.assign(loader.inputs, validate.metafile.outputs[`${OUT}/validate.cjs`]!.inputs);
writeFileSync(`${OUT}/meta.json`, JSON.stringify(metafile));
