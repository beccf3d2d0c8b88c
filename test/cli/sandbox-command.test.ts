import { spawn } from "node:child_process";
import { once } from "node:events";
import { expect, test } from "@jest/globals";
import { run } from "./helpers.js";

test("tollgate sandbox prints its URL, serves GitHub's API as the site admin, and stops on Ctrl-C", async () => {
  const child = spawn("node", ["bin/tollgate.js", "sandbox", "--port", "0"], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.setEncoding("utf8");
  await new Promise<void>((resolve, reject) => {
    child.stdout.on("data", (chunk: string) => {
      output += chunk;
      if (output.includes("Ctrl-C")) resolve();
    });
    child.once("exit", (code) => reject(new Error(`exited early with ${code}: ${output}`)));
  });
  const url = output.split("\n")[0]!;
  const token = /token (\S+)/.exec(output)![1]!;
  expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

  const user = await fetch(`${url}/api/v3/user`, { headers: { authorization: `token ${token}` } });
  expect(await user.json()).toMatchObject({ login: "sandbox-admin", site_admin: true });

  child.kill("SIGINT");
  const [code] = await once(child, "exit");
  expect(code).toBe(0);
});

test("tollgate sandbox refuses a bad port", async () => {
  expect(await run("sandbox", "--port", "http")).toMatchObject({
    code: 2,
    err: expect.stringContaining("--port must be a port number"),
  });
  expect(await run("sandbox", "--verbose")).toMatchObject({
    code: 2,
    err: expect.stringContaining("Unknown option '--verbose'"),
  });
});
