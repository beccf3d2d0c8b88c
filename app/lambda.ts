/**
 * Tollgate as an AWS Lambda function behind API Gateway or a function URL, through Probot's adapter
 * `@probot/adapter-aws-lambda-serverless`: deploy `lib/app/lambda.js` with the handler `handler` and
 * the settings of a server (APP_ID, PRIVATE_KEY, WEBHOOK_SECRET, GHE_HOST …) as the function's
 * environment. The App keeps no state, so a cold start changes nothing but latency.
 */
import { createLambdaFunction } from "@probot/adapter-aws-lambda-serverless";
import type { Context as LambdaContext, APIGatewayProxyEvent, APIGatewayProxyResult } from "aws-lambda";
import { createProbot, type ApplicationFunction, type ApplicationFunctionOptions, type Probot } from "probot";
import tollgateApp from "./index.js";

export type LambdaHandler = (
  event: APIGatewayProxyEvent,
  context: LambdaContext,
) => Promise<APIGatewayProxyResult>;

/**
 * The adapter's function over `probot`, running `app`.
 *
 * The adapter (4.0.3) was written for Probot 13, whose `load` registered the handlers at once. Probot 14
 * initializes asynchronously: until it has, `probot.webhooks` is undefined and `load` has not called
 * the app yet, so the first event of a cold start would fail or reach no handler. Each call therefore
 * waits until the app has registered its handlers.
 */
export function createHandler(probot: Probot, app: ApplicationFunction = tollgateApp): LambdaHandler {
  let registered!: () => void;
  const loaded = new Promise<void>((resolve) => (registered = resolve));
  const lambda = createLambdaFunction(
    // The adapter's types name Probot 13's classes; the two methods it calls are the same in 14.
    (async (p: Probot, options: ApplicationFunctionOptions) => {
      await app(p, options);
      registered();
    }) as unknown as Parameters<typeof createLambdaFunction>[0],
    { probot: probot as unknown as Parameters<typeof createLambdaFunction>[1]["probot"] },
  );
  return async (event, context) => {
    await probot.ready();
    await loaded;
    return (await lambda(event, context)) as APIGatewayProxyResult;
  };
}

let fromEnvironment: LambdaHandler | undefined;

/** The Lambda entry point: Probot's settings come from the function's environment. */
export const handler: LambdaHandler = (event, context) =>
  (fromEnvironment ??= createHandler(createProbot()))(event, context);
