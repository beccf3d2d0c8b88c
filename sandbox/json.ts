/** A JSON object as the REST API sends and receives it (a resource representation, a request body). */
export type Json = Record<string, unknown>;
