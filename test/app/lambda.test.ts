/**
 * The App as an AWS Lambda function (app/lambda.ts over @probot/adapter-aws-lambda-serverless): the
 * sandbox's signed deliveries reach the handler as API Gateway proxy events, through a small HTTP
 * front that does what API Gateway does (the raw body as a string, the headers, the handler's status
 * as the response). The check runs it writes are compared with those the Probot server writes for the
 * same event in an identical world.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { describe, expect, test } from "@jest/globals";
import { createLambdaFunction } from "@probot/adapter-aws-lambda-serverless";
import type { APIGatewayProxyEvent, Context as LambdaContext } from "aws-lambda";
import { createProbot } from "probot";
import { createHandler, handler, type LambdaHandler } from "../../app/lambda.js";
import { listen } from "../../scripts/worlds/listen.js";
import { PLAIN_OCTOKIT } from "../../scripts/worlds/probot-octokit.js";
import { createWorld, openPullRequest, type World } from "../../sandbox/seed/index.js";
import { latestChecks, startAppWorld, type CheckRunView } from "../../scripts/worlds/app-world.js";
import { BODY, POLICY } from "../../scripts/worlds/app-policy.js";

const WORLD = { policy: POLICY, people: ["dave"], teams: { leads: ["owner"] } };
const PR = { branch: "checkout", title: "Faster checkout", body: BODY };

/** The function's environment as a user sets it, pointed at the sandbox. */
function environmentFor(world: World) {
  return {
    APP_ID: String(world.app.id),
    PRIVATE_KEY: world.app.pem,
    WEBHOOK_SECRET: world.app.webhook_secret,
    GHE_HOST: new URL(world.sandbox.url).host,
    GHE_PROTOCOL: "http",
    LOG_LEVEL: (process.env["TOLLGATE_TEST_LOG"] ?? "fatal") as "fatal",
  };
}

/** Probot over that environment, with the test Octokit the Probot server's harness uses too. */
const probotFor = (world: World) =>
  createProbot({ env: environmentFor(world), overrides: { Octokit: PLAIN_OCTOKIT } });

function proxyEvent(req: IncomingMessage, body: string): APIGatewayProxyEvent {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers))
    if (typeof value === "string") headers[name] = value;
  return {
    httpMethod: req.method ?? "POST",
    path: new URL(req.url ?? "/", "http://lambda").pathname,
    headers,
    multiValueHeaders: {},
    body,
    isBase64Encoded: false,
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    resource: "/{proxy+}",
    requestContext: {} as APIGatewayProxyEvent["requestContext"],
  };
}

const CONTEXT = { functionName: "tollgate", awsRequestId: "test" } as LambdaContext;

interface LambdaWorld extends World {
  /** Each delivery's outcome: the handler's status code, or the error it threw (API Gateway's 502). */
  outcomes: (number | string)[];
}

/**
 * A world whose App runs as a Lambda function. The handler is created on the first delivery and
 * called at once, as Lambda does on a cold start.
 */
async function startLambdaWorld(create: (world: World) => LambdaHandler): Promise<LambdaWorld> {
  const front = await listen();
  const world = await createWorld({ ...WORLD, webhookUrl: `${front.url}/api/github/webhooks`, strict: true });
  const outcomes: (number | string)[] = [];
  let handler: LambdaHandler | undefined;
  front.setHandler((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      handler ??= create(world);
      handler(proxyEvent(req, Buffer.concat(chunks).toString("utf8")), CONTEXT).then(
        (result) => {
          outcomes.push(result.statusCode);
          res.writeHead(result.statusCode, { "content-type": "application/json" }).end(result.body);
        },
        (error: unknown) => {
          outcomes.push(String(error));
          res.writeHead(502).end();
        },
      );
    });
  });
  return {
    ...world,
    outcomes,
    close: async () => {
      await front.close();
      await world.close();
    },
  };
}

/**
 * What a person sees of a check run: its name, conclusion and output, with what differs between two
 * worlds by construction (the sandbox's URL, the commit's SHA) set aside.
 */
function shown(world: World, head: string, checks: Map<string, CheckRunView>) {
  const neutral = (text: string | null) =>
    text
      ?.replaceAll(world.sandbox.url, "<sandbox>")
      .replaceAll(head, "<head>")
      .replaceAll(head.slice(0, 7), "<head>");
  return [...checks.values()].map((run) => ({
    name: run.name,
    conclusion: run.conclusion,
    app: run.app?.slug,
    title: neutral(run.output.title),
    summary: neutral(run.output.summary),
  }));
}

describe("the App as a Lambda function", () => {
  test("a signed pull_request.opened gets the same check runs through the Lambda handler as through the Probot server", async () => {
    const server = await startAppWorld(WORLD);
    // The deployed entry point, `handler`, configured by the process environment alone (Probot's own
    // Octokit, with its retries and write throttling).
    const before: Record<string, string | undefined> = {};
    const lambda = await startLambdaWorld((world) => {
      for (const [name, value] of Object.entries(environmentFor(world))) {
        before[name] = process.env[name];
        process.env[name] = value;
      }
      return handler;
    });
    try {
      const viaServer = await openPullRequest(server, "dave", PR);
      const viaLambda = await openPullRequest(lambda, "dave", PR);
      const expected = shown(server, viaServer.head, await latestChecks(server, viaServer.head));
      const got = shown(lambda, viaLambda.head, await latestChecks(lambda, viaLambda.head));

      expect(expected.map((run) => run.name).sort()).toEqual(["Tollgate · production", "Tollgate · staging"]);
      expect(expected.find((run) => run.name === "Tollgate · production")).toMatchObject({
        conclusion: "action_required",
        summary: expect.stringContaining("**Approvals** (2 of group:leads): incomplete"),
      });
      expect(got).toEqual(expected);
      // Every delivery (the PR's, then the App's own check runs') was answered 200 by the handler.
      expect(lambda.outcomes.length).toBeGreaterThan(0);
      expect(new Set(lambda.outcomes)).toEqual(new Set([200]));
    } finally {
      for (const [name, value] of Object.entries(before))
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      await Promise.all([server.close(), lambda.close()]);
    }
  }, 60_000);

  test("without waiting for Probot 14 to initialize, the adapter alone fails a cold start's first event", async () => {
    const lambda = await startLambdaWorld(
      (world) =>
        createLambdaFunction(
          (async () => undefined) as unknown as Parameters<typeof createLambdaFunction>[0],
          { probot: probotFor(world) as unknown as Parameters<typeof createLambdaFunction>[1]["probot"] },
        ) as LambdaHandler,
    );
    try {
      await openPullRequest(lambda, "dave", PR);
      await lambda.sandbox.idle();
      expect(lambda.outcomes[0]).toMatch(
        /TypeError: Cannot read properties of (null|undefined) \(reading 'verifyAndReceive'\)/,
      );
    } finally {
      await lambda.close();
    }
  }, 60_000);

  test("a delivery whose signature is wrong is refused before any handler runs, and nothing is written", async () => {
    const lambda = await startLambdaWorld((world) => createHandler(probotFor(world)));
    try {
      await lambda.sandbox.client.addFault({
        kind: "forge_signature",
        event: "pull_request.opened",
        count: 1,
      });
      const pr = await openPullRequest(lambda, "dave", PR);
      await lambda.sandbox.idle();
      expect(lambda.outcomes).toContainEqual(expect.stringMatching(/signature does not match/));
      expect((await latestChecks(lambda, pr.head)).size).toBe(0);
    } finally {
      await lambda.close();
    }
  }, 60_000);
});
