#!/usr/bin/env node
// The demo policy's canary command: tells the demo service (DEMO_SERVICE_URL) how much traffic the
// version being deployed gets. Everything arrives in Tollgate's environment variables, as in a real
// deploy script: TOLLGATE_SHA and TOLLGATE_WEIGHT for a step, TOLLGATE_ROLLBACK=1 (and no weight) for
// the rollback command, which sends every request back to the stable version.
import { request } from "node:http";

const { DEMO_SERVICE_URL, TOLLGATE_SHA, TOLLGATE_WEIGHT, TOLLGATE_ROLLBACK } = process.env;
if (!DEMO_SERVICE_URL) throw new Error("DEMO_SERVICE_URL is not set");
const body =
  TOLLGATE_ROLLBACK === "1" && TOLLGATE_WEIGHT === undefined
    ? { canary: null }
    : { version: TOLLGATE_SHA, weight: Number(TOLLGATE_WEIGHT ?? 100) };

const req = request(`${DEMO_SERVICE_URL}/control`, { method: "POST" }, (res) => {
  res.resume();
  res.on("end", () => {
    const what =
      "canary" in body ? "all traffic back to stable" : `${body.weight} % to ${body.version?.slice(0, 7)}`;
    console.log(`traffic: ${what} (HTTP ${res.statusCode})`);
    process.exitCode = res.statusCode === 200 ? 0 : 1;
  });
});
req.on("error", (error) => {
  console.error(`traffic: ${error.message}`);
  process.exitCode = 1;
});
req.end(JSON.stringify(body));
