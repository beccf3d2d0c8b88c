/**
 * The code cache `tollgate validate` starts from (src/cli/code-cache.ts): V8 takes the one the build
 * wrote, and a cache is used only for the very bytes it was made from. The build's cache is checked in
 * a plain `node`, as the CLI runs: V8 refuses a cache made under other flags, such as jest's. The built
 * CLI in lib/bundle/ is used (`npm test` builds it first).
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { afterAll, describe, expect, test } from "@jest/globals";
import { cacheFileOf, requireWithCodeCache, type CachedModule } from "../../src/cli/code-cache.js";
import { PROCESS_TEST_MS } from "../support/timeouts.js";

const LOADER = pathToFileURL("lib/src/cli/code-cache.js").href;

/** Loads the CommonJS file at `file` through the code cache in a fresh `node`; what `then` returns, as JSON. */
async function loadInNode(file: string, then: string): Promise<unknown> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [
      "--input-type=module",
      "-e",
      `const { requireWithCodeCache } = await import(${JSON.stringify(LOADER)});
      const loaded = requireWithCodeCache(new URL(${JSON.stringify(pathToFileURL(file).href)}));
      process.stdout.write(JSON.stringify(await (async () => { ${then} })()));`,
    ],
    { encoding: "utf8" },
  );
  return JSON.parse(stdout) as unknown;
}

describe("validate's code cache", () => {
  test(
    "the build's cache is taken by this Node, and validate runs from it",
    async () => {
      const result = await loadInNode(
        "lib/bundle/cli/validate.cjs",
        `let out = "";
        const io = { out: (text) => (out += text), err: (text) => (out += text), readFile: (path) => import("node:fs/promises").then((fs) => fs.readFile(path, "utf8")) };
        const code = await loaded.exports.validateCommand(["examples/policies/progressive-delivery/tollgate.yml"], io);
        return { cacheUsed: loaded.cacheUsed, code, out };`,
      );
      expect(result).toEqual({
        cacheUsed: true,
        code: 0,
        out: "examples/policies/progressive-delivery/tollgate.yml: valid (3 environments: dev, staging, production)",
      });
    },
    PROCESS_TEST_MS,
  );

  describe("a cache is used only for the bytes it was made from", () => {
    // In this process: the cache is made and read under the same flags.
    const dir = mkdtempSync(join(tmpdir(), "tollgate-code-cache-"));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    const answerOf = (loaded: CachedModule) => (loaded.exports["answer"] as () => number)();

    test("without a cache the file runs from source; the cache written then serves the next load", () => {
      const file = join(dir, "fresh.cjs");
      writeFileSync(file, "exports.answer = () => 1;\n");
      const first = requireWithCodeCache(pathToFileURL(file));
      expect([first.cacheUsed, answerOf(first)]).toEqual([false, 1]);
      first.writeCache();
      const second = requireWithCodeCache(pathToFileURL(file));
      expect([second.cacheUsed, answerOf(second)]).toEqual([true, 1]);
    });

    test("a cache made from other bytes of the same length is not used: the new code runs", () => {
      // V8 compares only the source's length, so without the hash its cache would run the old code.
      const file = join(dir, "changed.cjs");
      writeFileSync(file, "exports.answer = () => 1;\n");
      const old = requireWithCodeCache(pathToFileURL(file));
      answerOf(old);
      old.writeCache();
      writeFileSync(file, "exports.answer = () => 2;\n");
      const changed = requireWithCodeCache(pathToFileURL(file));
      expect([changed.cacheUsed, answerOf(changed)]).toEqual([false, 2]);
    });

    test("a cache file too short to hold the hash is not used", () => {
      const file = join(dir, "short.cjs");
      writeFileSync(file, "exports.answer = () => 3;\n");
      writeFileSync(cacheFileOf(file), "too short");
      const loaded = requireWithCodeCache(pathToFileURL(file));
      expect([loaded.cacheUsed, answerOf(loaded)]).toEqual([false, 3]);
    });
  });
});
