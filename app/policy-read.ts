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
import { loadPolicyCached } from "./policy-cache.js";

export const POLICY_READS_HELD = 200;

/** The part of an Octokit this needs: the response headers (for the ETag) and the raw file. */
export interface ConditionalClient {
  request(
    route: string,
    parameters?: Record<string, unknown>,
  ): Promise<{ status: number; data: unknown; headers: Record<string, string | number | undefined> }>;
}

interface Held {
  readonly etag: string;
  readonly policy: LoadResult | undefined;
}

/**
 * The raw file as Octokit hands it over: text when GitHub labels it text, bytes (an ArrayBuffer) when
 * it labels it with the raw media type only.
 */
function textOf(data: unknown): string {
  if (typeof data === "string") return data;
  if (data instanceof ArrayBuffer) return new TextDecoder().decode(data);
  if (ArrayBuffer.isView(data)) return new TextDecoder().decode(data as Uint8Array);
  throw new Error("GitHub answered the policy file's raw read with neither text nor bytes");
}

/** undefined: the default branch has no policy file, so the repository does not use Tollgate. */
export type PolicyRead = LoadResult | undefined;

export class PolicyReader {
  private readonly held = new Map<string, Held>();

  constructor(private readonly size = POLICY_READS_HELD) {}

  async read(client: ConditionalClient, repo: RepositoryRef, ref: string, path: string): Promise<PolicyRead> {
    const key = JSON.stringify([repo.owner.toLowerCase(), repo.repo.toLowerCase(), ref, path]);
    const known = this.held.get(key);
    try {
      const response = await client.request("GET /repos/{owner}/{repo}/contents/{path}", {
        ...repo,
        path,
        ref,
        mediaType: { format: "raw" },
        ...(known ? { headers: { "if-none-match": known.etag } } : {}),
      });
      const text = textOf(response.data);
      const etag = response.headers["etag"];
      const policy = loadPolicyCached(text, path);
      if (typeof etag === "string") this.keep(key, { etag, policy });
      return policy;
    } catch (error) {
      const status = (error as { status?: number }).status;
      if (status === 304 && known) {
        this.keep(key, known);
        return known.policy;
      }
      if (status === 404) {
        this.held.delete(key);
        return undefined;
      }
      throw error;
    }
  }

  /** Most recently used last: Map keeps insertion order, so the first key is the one to evict. */
  private keep(key: string, value: Held): void {
    this.held.delete(key);
    this.held.set(key, value);
    if (this.held.size > this.size) this.held.delete(this.held.keys().next().value!);
  }
}
