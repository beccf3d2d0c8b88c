/**
 * GitHub's REST error answers (docs: "Troubleshooting the REST API", each operation's status codes): a
 * `message`, `documentation_url` and `status` body — 401 "Requires authentication"/"Bad credentials",
 * 403, 404 "Not Found", 409, and 422 "Validation Failed" with `errors` of `{resource, field, code}`.
 * A leaf module, so that everything from the state up can throw them.
 */
export const DOCS = "https://docs.github.com/rest";

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown>,
    readonly headers: Record<string, string> = {},
  ) {
    super(String(body["message"] ?? status));
  }
}

export interface FieldError {
  resource: string;
  field?: string;
  code: string;
  message?: string;
  value?: unknown;
}

export const notFound = (): HttpError =>
  new HttpError(404, { message: "Not Found", documentation_url: DOCS, status: "404" });

export const validationFailed = (errors: (FieldError | string)[], message = "Validation Failed"): HttpError =>
  new HttpError(422, { message, errors, documentation_url: DOCS, status: "422" });

/** A 422 whose message says why, with one `invalid` field error (e.g. "No commit found for SHA: …"). */
export const invalidBecause = (resource: string, field: string, message: string): HttpError =>
  validationFailed([{ resource, field, code: "invalid" }], message);

export const invalid = (resource: string, field: string, code = "invalid", message?: string): HttpError =>
  validationFailed([{ resource, field, code, ...(message === undefined ? {} : { message }) }]);

export const conflict = (message: string, extra: Record<string, unknown> = {}): HttpError =>
  new HttpError(409, { message, ...extra, documentation_url: DOCS, status: "409" });

export const forbidden = (message: string): HttpError =>
  new HttpError(403, { message, documentation_url: DOCS, status: "403" });

export const notAccessible = (): HttpError => forbidden("Resource not accessible by integration");

export const unauthorized = (message = "Requires authentication"): HttpError =>
  new HttpError(401, { message, documentation_url: DOCS, status: "401" });
