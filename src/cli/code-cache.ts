/**
 * Runs a CommonJS bundle with V8's code cache beside it: the code a previous run compiled, so this run
 * neither parses nor compiles the bundle's functions again. Node 20 keeps no compile cache of its own
 * (`module.enableCompileCache` arrived in Node 22.1), and none for ES modules at all, so the bundle is
 * CommonJS and is compiled here with `vm.Script`, wrapped as Node's own loader wraps a CommonJS file.
 *
 * The cache is taken only when it was made from these very bytes: it starts with the SHA-256 of the
 * source, because V8 itself compares only the source's length. V8 refuses a cache made by another
 * Node version or with other flags. Without a usable cache the bundle is compiled from its source:
 * the same code runs, only more slowly.
 */
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { Script } from "node:vm";

export interface CachedModule {
  readonly exports: Record<string, unknown>;
  /** Whether V8 took the cache: false without one, or with one made from other bytes or by another Node. */
  readonly cacheUsed: boolean;
  /** Writes the cache of everything compiled so far, so run first what the next runs will need. */
  writeCache(): void;
}

const HASH_BYTES = 32;

/** The cache file of the bundle at `file`. */
export const cacheFileOf = (file: string): string => `${file}.cache`;

export function requireWithCodeCache(url: URL): CachedModule {
  const file = fileURLToPath(url);
  const source = readFileSync(file, "utf8");
  const hash = createHash("sha256").update(source).digest();
  const cache = readCache(cacheFileOf(file), hash);
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
    filename: file,
    ...(cache === undefined ? {} : { cachedData: cache }),
  });
  const module = { exports: {} as Record<string, unknown> };
  (script.runInThisContext() as (...args: unknown[]) => void)(
    module.exports,
    createRequire(file),
    module,
    file,
    dirname(file),
  );
  return {
    exports: module.exports,
    cacheUsed: cache !== undefined && script.cachedDataRejected !== true,
    writeCache: () => writeFileSync(cacheFileOf(file), Buffer.concat([hash, script.createCachedData()])),
  };
}

/** The V8 cache in `cacheFile` if it was made from the source whose hash is `hash`. */
function readCache(cacheFile: string, hash: Buffer): Buffer | undefined {
  let bytes: Buffer;
  try {
    bytes = readFileSync(cacheFile);
  } catch {
    return undefined;
  }
  return bytes.length > HASH_BYTES && bytes.subarray(0, HASH_BYTES).equals(hash)
    ? bytes.subarray(HASH_BYTES)
    : undefined;
}
