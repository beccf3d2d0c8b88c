/**
 * The code cache `tollgate validate` starts from (src/cli/code-cache.ts): V8 takes the one the build
 * wrote, and a cache is used only for the very bytes it was made from. Each check runs in a plain
 * `node`, as the CLI does: V8 refuses a cache made under other flags, such as jest's.
 * The built CLI in lib/bundle/ is used (`npm test` builds it first).
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { afterAll, describe, expect, test } from "@jest/globals";
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
    const dir = mkdtempSync(join(tmpdir(), "tollgate-code-cache-"));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    test(
      "without a cache the file runs from source; the cache written then serves the next run",
      async () => {
        const file = join(dir, "fresh.cjs");
        writeFileSync(file, "exports.answer = () => 1;\n");
        expect(
          await loadInNode(
            file,
            "const answer = loaded.exports.answer(); loaded.writeCache(); return [loaded.cacheUsed, answer];",
          ),
        ).toEqual([false, 1]);
        expect(await loadInNode(file, "return [loaded.cacheUsed, loaded.exports.answer()];")).toEqual([
          true,
          1,
        ]);
      },
      PROCESS_TEST_MS,
    );

    test(
      "a cache made from other bytes of the same length is not used: the new code runs",
      async () => {
        // V8 compares only the source's length, so without the hash its cache would run the old code.
        const file = join(dir, "changed.cjs");
        writeFileSync(file, "exports.answer = () => 1;\n");
        await loadInNode(file, "loaded.exports.answer(); loaded.writeCache(); return null;");
        writeFileSync(file, "exports.answer = () => 2;\n");
        expect(await loadInNode(file, "return [loaded.cacheUsed, loaded.exports.answer()];")).toEqual([
          false,
          2,
        ]);
      },
      PROCESS_TEST_MS,
    );
  });
});
