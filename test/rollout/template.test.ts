/** Templated queries and URLs: the step's context filled in, escaped for PromQL strings and for URLs. */
import { describe, expect, test } from "@jest/globals";
import { formatPolicyError } from "../../src/policy/errors.js";
import { loadPolicy } from "../../src/policy/load.js";
import { escapePromQL, renderTemplate, templateProblems } from "../../src/policy/template.js";
import { providers } from "../../src/rollout/providers/index.js";
import { FakeRunner, policyFrom } from "./helpers.js";

const VALUES = {
  environment: "production",
  sha: "a".repeat(40),
  version: '1.4.0"} or vector(1) #',
  previous_sha: "b".repeat(40),
  weight: "25",
};

describe("rendering", () => {
  test("placeholders are filled, with or without spaces inside the braces", () => {
    expect(
      renderTemplate(
        'rate(errors{env="{{ environment }}",sha="{{sha}}"}[1m]) * {{ weight }}',
        VALUES,
        "promql",
      ),
    ).toBe(`rate(errors{env="production",sha="${"a".repeat(40)}"}[1m]) * 25`);
  });

  test("a hostile value stays inside its PromQL string literal", () => {
    expect(renderTemplate('up{version="{{ version }}"}', VALUES, "promql")).toBe(
      'up{version="1.4.0\\"} or vector(1) #"}',
    );
    expect(renderTemplate("up{version='{{ version }}'}", { version: "it's\\" }, "promql")).toBe(
      "up{version='it\\'s\\\\'}",
    );
    expect(escapePromQL("a\nb", '"')).toBe("a\\nb");
  });

  test("in a URL every value is percent-encoded", () => {
    expect(renderTemplate("http://svc/health?v={{ version }}&e={{ environment }}", VALUES, "url")).toBe(
      "http://svc/health?v=1.4.0%22%7D%20or%20vector(1)%20%23&e=production",
    );
  });

  test("a placeholder with no value in this deployment is a measurement error naming it", () => {
    expect(() => renderTemplate('up{sha="{{ previous_sha }}"}', {}, "promql")).toThrow(
      "{{ previous_sha }} has no value: no earlier successful deployment of this environment",
    );
  });
});

describe("policy errors", () => {
  test.each<[string, string, string]>([
    ['up{sha="{{ commit }}"}', "promql", "unknown placeholder {{ commit }}"],
    [
      "up * {{ sha }}",
      "promql",
      '{{ sha }} is text: put it inside a PromQL string, e.g. version="{{ sha }}"',
    ],
    ["up{sha=`{{ sha }}`}", "promql", "{{ sha }} sits in a raw `…` string, which cannot be escaped"],
    ["up # {{ sha }}", "promql", "{{ sha }} sits in a comment"],
    [
      'up{version=~"{{ version }}"}',
      "promql",
      "{{ version }} sits in a regular-expression matcher (=~ or !~)",
    ],
    ["http://svc/{{ region }}", "url", "unknown placeholder {{ region }}"],
  ])("%s (%s): %s", (template, target, problem) => {
    expect(templateProblems(template, target as "promql" | "url").join("\n")).toContain(problem);
  });

  test("a weight may stand outside a string; a quote escaped inside a string does not end it", () => {
    expect(templateProblems('x{a="\\"{{ sha }}"} * {{ weight }}', "promql")).toEqual([]);
  });

  test("an unknown placeholder in a policy is reported at its key", () => {
    const loaded = loadPolicy(
      `version: 1
analyses:
  errors:
    prometheus:
      address: "http://p:9090"
      query: 'sum(rate(errors{sha="{{ commit }}"}[1m]))'
    success: "< 1%"
environments: { production: { approval: none } }
`,
      "tollgate.yml",
    );
    expect(loaded.ok).toBe(false);
    if (loaded.ok) return;
    expect(loaded.errors.map(formatPolicyError).join("\n")).toMatch(
      /^tollgate\.yml:6:\d+ analyses\.errors\.prometheus\.query: unknown placeholder \{\{ commit \}\}: use \{\{ environment \}\}/m,
    );
  });
});

describe("providers fill templates from the step's environment", () => {
  const policy = policyFrom(`
version: 1
analyses:
  errors:
    prometheus:
      address: "http://p:9090"
      query: 'sum(rate(errors{version="{{ version }}"}[1m])) * {{ weight }}'
      baseline: 'sum(rate(errors{sha="{{ previous_sha }}"}[1m]))'
    success: "result < 3 * baseline"
  health:
    http: { url: "http://svc/health?sha={{ sha }}", measure: latency }
environments: { production: { approval: none } }
`);
  const env = {
    TOLLGATE_ENVIRONMENT: "production",
    TOLLGATE_SHA: "c".repeat(40),
    TOLLGATE_VERSION: 'v"2',
    TOLLGATE_PREVIOUS_SHA: "d".repeat(40),
    TOLLGATE_WEIGHT: "30",
  };
  const urls: string[] = [];
  const fetchImpl = (async (url: string) => {
    urls.push(url);
    return new Response(
      JSON.stringify({ status: "success", data: { resultType: "scalar", result: [0, "1"] } }),
    );
  }) as unknown as typeof fetch;
  const factory = providers(new FakeRunner(), fetchImpl);

  test("the canary's query, the baseline's query and the probe's URL", async () => {
    await factory(policy.analyses.errors!, env)(new AbortController().signal);
    await factory(policy.analyses.errors!, env, "baseline")(new AbortController().signal);
    await factory(policy.analyses.health!, env)(new AbortController().signal);
    const queries = urls.slice(0, 2).map((u) => new URL(u).searchParams.get("query"));
    expect(queries).toEqual([
      'sum(rate(errors{version="v\\"2"}[1m])) * 30',
      `sum(rate(errors{sha="${"d".repeat(40)}"}[1m]))`,
    ]);
    expect(urls[2]).toBe(`http://svc/health?sha=${"c".repeat(40)}`);
  });

  test("no previous deployment: the baseline reading is an error saying so, never a query", async () => {
    const { TOLLGATE_PREVIOUS_SHA: _dropped, ...first } = env;
    const before = urls.length;
    const reading = await factory(policy.analyses.errors!, first, "baseline")(new AbortController().signal);
    expect(reading).toEqual({
      error: "{{ previous_sha }} has no value: no earlier successful deployment of this environment",
    });
    expect(urls.length).toBe(before);
  });
});
