import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import type { AnalysisProvider } from "../../src/policy/model.js";
import { commandProvider } from "../../src/rollout/providers/command.js";
import { httpProvider, readPath } from "../../src/rollout/providers/http.js";
import { providers } from "../../src/rollout/providers/index.js";
import { prometheusProvider } from "../../src/rollout/providers/prometheus.js";
import { analysisOf, FakeRunner } from "./helpers.js";

const signal = new AbortController().signal;

describe("http provider", () => {
  let server: Server;
  let base: string;
  beforeAll(async () => {
    server = createServer((req, res) => {
      const send = (status: number, body: string) => res.writeHead(status).end(body);
      if (req.url === "/ok")
        send(200, JSON.stringify({ metrics: { error_rate: 0.004, items: [{ p99: "250" }] } }));
      else if (req.url === "/down") send(503, "{}");
      else if (req.url === "/text") send(200, "hello");
      else if (req.url === "/slow") setTimeout(() => send(200, "{}"), 300);
      else send(404, "");
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const http = (path: string, extra: Partial<Extract<AnalysisProvider, { kind: "http" }>> = {}) =>
    httpProvider({
      kind: "http",
      url: `${base}${path}`,
      method: "GET",
      measure: "latency",
      timeoutMs: 2_000,
      ...extra,
    });

  test("latency in ms, with the status as detail", async () => {
    const m = await http("/ok")(signal);
    expect(m).toMatchObject({
      value: expect.any(Number),
      detail: expect.stringMatching(/^HTTP 200 in \d+ ms$/),
    });
  });

  test("a number at a dotted JSON path (objects, arrays, numeric strings)", async () => {
    expect(await http("/ok", { measure: "value", jsonPath: "metrics.error_rate" })(signal)).toEqual({
      value: 0.004,
    });
    expect(await http("/ok", { measure: "value", jsonPath: "metrics.items.0.p99" })(signal)).toEqual({
      value: 250,
    });
    expect(await http("/ok", { measure: "value", jsonPath: "metrics.missing" })(signal)).toEqual({
      noData: true,
      reason: "nothing at metrics.missing",
    });
    expect(await http("/ok", { measure: "value", jsonPath: "metrics" })(signal)).toEqual({
      error: expect.stringContaining("metrics is {"),
    });
    expect(await http("/text", { measure: "value", jsonPath: "a" })(signal)).toEqual({
      error: "HTTP 200: the body is not JSON",
    });
    expect(readPath(5, "a.b")).toBeUndefined();
  });

  test("an unexpected status is a failed reading; expect_status decides what is expected", async () => {
    expect(await http("/down")(signal)).toMatchObject({ failure: "HTTP 503, expected 2xx" });
    expect(await http("/ok", { expectStatus: [204] })(signal)).toMatchObject({
      failure: "HTTP 200, expected 204",
    });
    expect(await http("/down", { expectStatus: [503] })(signal)).not.toHaveProperty("failure");
  });

  test("timeouts and refused connections are measurement errors", async () => {
    expect(await http("/slow", { timeoutMs: 50 })(signal)).toEqual({
      error: "no answer within 50ms",
      unreachable: true,
    });
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, "127.0.0.1", r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const refused = httpProvider({
      kind: "http",
      url: `http://127.0.0.1:${port}/`,
      method: "GET",
      measure: "latency",
      timeoutMs: 2_000,
    });
    expect(await refused(signal)).toEqual({
      error: expect.stringContaining("ECONNREFUSED"),
      unreachable: true,
    });
  });
});

describe("prometheus provider (API answers)", () => {
  const answering =
    (status: number, body: unknown): typeof fetch =>
    async () =>
      new Response(typeof body === "string" ? body : JSON.stringify(body), { status });
  const prometheus = (fetchImpl: typeof fetch) =>
    prometheusProvider(
      {
        kind: "prometheus",
        address: "http://prom:9090/",
        query: 'sum(rate(x{a="b"}[1m]))',
        timeoutMs: 2_000,
      },
      fetchImpl,
    );
  const vector = (...values: string[]) => ({
    status: "success",
    data: {
      resultType: "vector",
      result: values.map((v, i) => ({ metric: { i: String(i) }, value: [1, v] })),
    },
  });

  test("queries /api/v1/query with the PromQL encoded", async () => {
    let seen = "";
    await prometheus(async (url) => {
      seen = String(url);
      return new Response(JSON.stringify(vector("1")));
    })(signal);
    expect(seen).toBe("http://prom:9090/api/v1/query?query=sum(rate(x%7Ba%3D%22b%22%7D%5B1m%5D))");
  });

  test("one series or a scalar is a value; infinities are values", async () => {
    expect(await prometheus(answering(200, vector("0.004")))(signal)).toEqual({ value: 0.004 });
    const scalar = { status: "success", data: { resultType: "scalar", result: [1, "2.5"] } };
    expect(await prometheus(answering(200, scalar))(signal)).toEqual({ value: 2.5 });
    expect(await prometheus(answering(200, vector("+Inf")))(signal)).toEqual({ value: Infinity });
  });

  test("an empty vector and NaN are no data", async () => {
    expect(await prometheus(answering(200, vector()))(signal)).toEqual({
      noData: true,
      reason: "the query returned no series",
    });
    expect(await prometheus(answering(200, vector("NaN")))(signal)).toEqual({
      noData: true,
      reason: "the query returned NaN",
    });
  });

  test("several series, other result types and unreadable samples are errors", async () => {
    expect(await prometheus(answering(200, vector("1", "2", "3")))(signal)).toEqual({
      error: "the query returned 3 series; aggregate it to one",
    });
    const matrix = { status: "success", data: { resultType: "matrix", result: [] } };
    expect(await prometheus(answering(200, matrix))(signal)).toEqual({
      error: "the query returned a matrix result; expected one instant sample",
    });
    expect(await prometheus(answering(200, vector("abc")))(signal)).toEqual({
      error: 'unreadable sample value "abc"',
    });
    const noValue = { status: "success", data: { resultType: "vector", result: [{ metric: {} }] } };
    expect(await prometheus(answering(200, noValue))(signal)).toEqual({
      error: "the answer holds no sample value",
    });
    const notList = { status: "success", data: { resultType: "vector", result: {} } };
    expect(await prometheus(answering(200, notList))(signal)).toEqual({
      error: "the vector result is not a list",
    });
  });

  test("HTTP and API errors are errors carrying Prometheus's message", async () => {
    const bad = { status: "error", errorType: "bad_data", error: "parse error at char 5" };
    expect(await prometheus(answering(400, bad))(signal)).toEqual({
      error: "Prometheus: bad_data: parse error at char 5",
    });
    expect(await prometheus(answering(503, "Service Unavailable"))(signal)).toEqual({
      error: "Prometheus answered HTTP 503 without JSON",
    });
    expect(await prometheus(answering(500, vector("1")))(signal)).toEqual({
      error: "Prometheus answered HTTP 500",
    });
    expect(await prometheus(answering(200, { status: "error" }))(signal)).toEqual({
      error: "Prometheus: unsuccessful answer",
    });
    const unreachable = prometheus(async () => {
      throw new TypeError("fetch failed");
    });
    expect(await unreachable(signal)).toEqual({
      error: "Prometheus unreachable: fetch failed",
      unreachable: true,
    });
  });

  test("a hung Prometheus and a refused connection are unreachable, within the query's timeout", async () => {
    // Accepts the connection, never answers: what an overloaded or wedged Prometheus looks like.
    const hung = createServer(() => undefined);
    await new Promise<void>((r) => hung.listen(0, "127.0.0.1", r));
    const hungPort = (hung.address() as AddressInfo).port;
    const query = (port: number, timeoutMs: number) =>
      prometheusProvider({ kind: "prometheus", address: `http://127.0.0.1:${port}`, query: "up", timeoutMs })(
        signal,
      );
    const started = performance.now();
    expect(await query(hungPort, 150)).toEqual({
      error: "Prometheus did not answer within 150ms",
      unreachable: true,
    });
    expect(performance.now() - started).toBeLessThan(2_000);
    hung.closeAllConnections();
    await new Promise<void>((r) => hung.close(() => r()));
    // The port is free again: nothing listens there now.
    expect(await query(hungPort, 2_000)).toEqual({
      error: expect.stringMatching(/^Prometheus unreachable: fetch failed \(ECONNREFUSED\)$/),
      unreachable: true,
    });
  }, 10_000);
});

describe("command provider", () => {
  const env = { TOLLGATE_SHA: "abc" };
  test("exit code is the measurement; the command gets the env", async () => {
    const runner = new FakeRunner((command) => (command === "./smoke.sh" ? 3 : 0));
    const m = await commandProvider(
      { kind: "command", run: "./smoke.sh", measure: "exit_code" },
      runner,
      env,
    )(signal);
    expect(m).toEqual({ value: 3, detail: "exit code 3" });
    expect(runner.calls[0]).toMatchObject({ command: "./smoke.sh", env });
  });

  test("stdout: the last non-empty line is the number (a trailing % divides by 100)", async () => {
    const printing = (stdout: string, exitCode = 0) => ({ run: async () => ({ exitCode, stdout }) });
    const measure = (stdout: string, exitCode = 0) =>
      commandProvider(
        { kind: "command", run: "./rate.sh", measure: "stdout" },
        printing(stdout, exitCode),
        env,
      )(signal);
    expect(await measure("checking…\n0.25\n\n")).toEqual({ value: 0.25 });
    expect(await measure("7.5%\n")).toEqual({ value: 0.075 });
    expect(await measure("\n")).toEqual({ noData: true, reason: "the command printed nothing" });
    expect(await measure("NaN")).toEqual({ noData: true, reason: "the command printed NaN" });
    expect(await measure("ok")).toEqual({ error: 'the command printed "ok", not a number' });
    expect(await measure("1", 2)).toEqual({ error: "the command exited with 2" });
  });
});

test("the provider factory picks the analysis's provider", async () => {
  const runner = new FakeRunner(() => 0);
  const factory = providers(
    runner,
    async () =>
      new Response(JSON.stringify({ status: "success", data: { resultType: "scalar", result: [0, "1"] } })),
  );
  expect(await factory(analysisOf(), {})(signal)).toEqual({ value: 1 });
  const command = analysisOf({ provider: { kind: "command", run: "true", measure: "exit_code" } });
  expect(await factory(command, {})(signal)).toEqual({ value: 0, detail: "exit code 0" });
  const http = analysisOf({
    provider: { kind: "http", url: "http://x/", method: "GET", measure: "latency", timeoutMs: 100 },
  });
  expect(await factory(http, {})(signal)).toMatchObject({ value: expect.any(Number) });
});
