/**
 * A JSON object as GitHub's REST API sends and receives it: a resource representation, a request body, a
 * webhook payload. Its own leaf module so that the serializers and webhooks need not import http.ts.
 */
export type Json = Record<string, unknown>;
