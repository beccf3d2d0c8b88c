/**
 * A repository file's raw text, read with a conditional request: given the ETag of the last answer,
 * GitHub answers `304 Not Modified` while the file is unchanged, and a 304 is not counted against the
 * rate limit. The route is `contents/{+path}`: Octokit would encode the slashes of `{path}`
 * (".github%2Ftollgate.yml"), which GitHub answers 404 for some tokens (octokit/octokit.js#2422).
 */
import type { RepositoryRef } from "./client.js";

/** The part of an Octokit a conditional read needs: the status, and the response headers for the ETag. */
export interface ConditionalClient {
  request(
    route: string,
    parameters?: Record<string, unknown>,
  ): Promise<{ status: number; data: unknown; headers: Record<string, string | number | undefined> }>;
}

export type FileRead =
  | { readonly state: "changed"; readonly text: string; readonly etag: string | undefined }
  | { readonly state: "unchanged" }
  | { readonly state: "missing" };

/**
 * The raw file as Octokit hands it over: text when GitHub labels it text, bytes (an ArrayBuffer) when
 * it labels it with the raw media type only.
 */
function textOf(data: unknown): string {
  if (typeof data === "string") return data;
  if (data instanceof ArrayBuffer) return new TextDecoder().decode(data);
  if (ArrayBuffer.isView(data)) return new TextDecoder().decode(data as Uint8Array);
  throw new Error("GitHub answered a file's raw read with neither text nor bytes");
}

/** `path` at `ref`: its text and ETag, "unchanged" (a 304 for `etag`), or "missing" (404). */
export async function readFileIfChanged(
  client: ConditionalClient,
  repo: RepositoryRef,
  file: { path: string; ref: string; etag?: string | undefined },
): Promise<FileRead> {
  try {
    const response = await client.request("GET /repos/{owner}/{repo}/contents/{+path}", {
      owner: repo.owner,
      repo: repo.repo,
      path: file.path,
      ref: file.ref,
      mediaType: { format: "raw" },
      ...(file.etag ? { headers: { "if-none-match": file.etag } } : {}),
    });
    const etag = response.headers["etag"];
    return {
      state: "changed",
      text: textOf(response.data),
      etag: typeof etag === "string" ? etag : undefined,
    };
  } catch (error) {
    const status = (error as { status?: number }).status;
    if (status === 304 && file.etag) return { state: "unchanged" };
    if (status === 404) return { state: "missing" };
    throw error;
  }
}
