/**
 * Loading a policy is a pure function of its path and text, and the App reads the same policy file on
 * almost every event: the result is memoized by a digest of (path, text), so each distinct policy is
 * parsed, validated and normalized once per process. This keeps no GitHub fact between webhooks: the
 * text is still read from GitHub on every event, and a changed file is a different key. The memo is a
 * small LRU, and what it holds is deep-frozen so no caller can change what the next event sees.
 */
import { createHash } from "node:crypto";
import { loadPolicy, type LoadResult } from "../src/policy/load.js";

export const POLICY_CACHE_SIZE = 50;

const cache = new Map<string, LoadResult>();

function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/** `loadPolicy(text, path)`, memoized; the same (path, text) gives the same frozen result. */
export function loadPolicyCached(text: string, path: string): LoadResult {
  const key = createHash("sha256").update(path).update("\0").update(text).digest("base64");
  const hit = cache.get(key);
  if (hit) {
    // Most recently used last: Map keeps insertion order, so the first key is the one to evict.
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  const result = deepFreeze(loadPolicy(text, path));
  cache.set(key, result);
  if (cache.size > POLICY_CACHE_SIZE) cache.delete(cache.keys().next().value!);
  return result;
}

/** For tests: how many policies are held. */
export const policyCacheSize = () => cache.size;
