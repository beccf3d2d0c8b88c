/**
 * The policy on the default branch, read with a conditional request: the App keeps, per process, the
 * file's ETag and what it parsed to, and asks GitHub `If-None-Match`. An unchanged file is answered
 * `304 Not Modified`, which GitHub does not count against the rate limit, so knowing which CI reports
 * matter to a repository costs nothing on almost every event. This is a cache of a validator, not of a
 * fact: GitHub is asked every time, and any answer but a 304 replaces what is held.
 *
 * It serves only to skip events that cannot change a decision (see src/policy/relevance.ts). The
 * evaluation itself still reads the policy inside its evidence query, so what a gate decides never
 * rests on this copy.
 */
import type { LoadResult } from "../src/policy/load.js";
import type { RepositoryRef } from "../src/github/client.js";
import { readFileIfChanged, type ConditionalClient } from "../src/github/contents.js";
import { Coalescer } from "../src/github/coalesce.js";
import { loadPolicyCached } from "./policy-cache.js";

export type { ConditionalClient };

export const POLICY_READS_HELD = 200;

interface Held {
  readonly etag: string;
  readonly policy: LoadResult | undefined;
}

/** undefined: the default branch has no policy file, so the repository does not use Tollgate. */
export type PolicyRead = LoadResult | undefined;

export class PolicyReader {
  private readonly held = new Map<string, Held>();
  /**
   * GitHub delivers a burst's webhooks together: without this, each of them would find no ETag yet and
   * pay for a full read. Callers who come while a read is in flight share one read that starts after it,
   * which then has the ETag, so it is a free 304 — and still no answer comes from a read begun before
   * its caller asked.
   */
  private readonly reading = new Coalescer<PolicyRead>();

  constructor(private readonly size = POLICY_READS_HELD) {}

  read(client: ConditionalClient, repo: RepositoryRef, ref: string, path: string): Promise<PolicyRead> {
    const key = JSON.stringify([repo.owner.toLowerCase(), repo.repo.toLowerCase(), ref, path]);
    return this.reading.run(key, () => this.readNow(client, repo, { key, ref, path }));
  }

  private async readNow(
    client: ConditionalClient,
    repo: RepositoryRef,
    { key, ref, path }: { key: string; ref: string; path: string },
  ): Promise<PolicyRead> {
    const known = this.held.get(key);
    const read = await readFileIfChanged(client, repo, { path, ref, etag: known?.etag });
    if (read.state === "missing") {
      this.held.delete(key);
      return undefined;
    }
    if (read.state === "unchanged") {
      this.keep(key, known!);
      return known!.policy;
    }
    const policy = loadPolicyCached(read.text, path);
    if (read.etag) this.keep(key, { etag: read.etag, policy });
    return policy;
  }

  /** Most recently used last: Map keeps insertion order, so the first key is the one to evict. */
  private keep(key: string, value: Held): void {
    this.held.delete(key);
    this.held.set(key, value);
    if (this.held.size > this.size) this.held.delete(this.held.keys().next().value!);
  }
}
