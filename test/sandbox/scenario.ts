import type { Sandbox } from "../../sandbox/index.js";
import type { RegisteredApp } from "../../sandbox/client.js";

export interface Recorded {
  key: string;
  url: string;
  requestBody: unknown;
  query: URLSearchParams;
  status: number;
  responseBody: unknown;
}

/** Calls the sandbox by operation ("METHOD /path/{template}") and records request and response for contract checks. */
export class Recorder {
  readonly calls: Recorded[] = [];
  constructor(private readonly sb: Sandbox) {}

  async call<T = Record<string, unknown>>(
    key: string,
    params: Record<string, string | number>,
    opts: { body?: unknown; query?: Record<string, string>; token?: string; expect?: number } = {},
  ): Promise<T> {
    const [method, template] = key.split(" ") as [string, string];
    const path = template.replace(/\{(\w+)\}/g, (_m, n: string) => {
      const v = params[n];
      if (v === undefined) throw new Error(`missing ${n} for ${key}`);
      return n === "path" || n === "ref" ? String(v) : encodeURIComponent(String(v));
    });
    const query = new URLSearchParams(opts.query ?? {});
    const url = `${this.sb.apiUrl}${path}${query.size > 0 ? `?${query.toString()}` : ""}`;
    const headers: Record<string, string> = { accept: "application/vnd.github+json" };
    if (opts.token)
      headers["authorization"] =
        opts.token.split(".").length === 3 ? `Bearer ${opts.token}` : `token ${opts.token}`;
    if (opts.body !== undefined) headers["content-type"] = "application/json";
    const res = await fetch(url, {
      method,
      headers,
      ...(opts.body === undefined ? {} : { body: JSON.stringify(opts.body) }),
    });
    const text = await res.text();
    const responseBody: unknown = text ? JSON.parse(text) : undefined;
    this.calls.push({ key, url, requestBody: opts.body, query, status: res.status, responseBody });
    const want = opts.expect ?? (res.status < 300 ? res.status : -1);
    if (res.status !== want) throw new Error(`${key} → ${res.status} ${text}`);
    return responseBody as T;
  }
}

export interface World {
  rec: Recorder;
  app: RegisteredApp;
  admin: string;
  octo: { login: string; token: string };
  rev: { login: string; token: string };
  inst: string;
  prHead: string;
}

export const ALL_EVENTS = [
  "pull_request",
  "pull_request_review",
  "issue_comment",
  "issues",
  "check_run",
  "check_suite",
  "status",
  "deployment",
  "deployment_status",
  "deployment_protection_rule",
  "workflow_run",
];
export const APP_PERMISSIONS = {
  checks: "write",
  deployments: "write",
  statuses: "write",
  pull_requests: "write",
  issues: "write",
  contents: "write",
  actions: "read",
  security_events: "read",
  secret_scanning_alerts: "read",
  vulnerability_alerts: "read",
  administration: "read",
} as const;
