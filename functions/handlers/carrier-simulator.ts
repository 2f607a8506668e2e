import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { awsClientOptions } from '#adapters/aws-client-options';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { createDocumentClient } from '#adapters/dynamodb/client';
import { DynamoDbSimulatedCallStore } from '#simulator/simulated-call-store';
import { telephonyCredentials } from '#adapters/telephony/credentials';
import { CarrierSimulator } from '#simulator/carrier-simulator';
import { CarrierSimulatorEnvSchema, parseEnv } from '#schemas/env';
import { simulatorHandler } from './middleware/bundles.ts';

/**
 * The carrier simulator deployed in AWS, so test keys work there too. Its HTTP routes are the
 * Calls API under /simulator; each call's scenario runs in an asynchronous invocation of this
 * same function, which sleeps between the steps like a phone network would.
 */
const env = parseEnv(CarrierSimulatorEnvSchema, process.env);
const credentials = telephonyCredentials(process.env);
const lambda = new LambdaClient(awsClientOptions(process.env));
const store = new DynamoDbSimulatedCallStore(createDocumentClient(), env.TABLE_NAME);

let simulator: CarrierSimulator | undefined;
async function getSimulator(): Promise<CarrierSimulator> {
  const { simulator: account } = await credentials();
  simulator ??= new CarrierSimulator({
    ...account,
    store,
    timeScale: env.SIMULATOR_TIME_SCALE,
    startScenario: async (sid) => {
      await lambda.send(
        new InvokeCommand({
          FunctionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
          InvocationType: 'Event',
          Payload: Buffer.from(JSON.stringify({ runScenario: sid })),
        }),
      );
    },
  });
  return simulator;
}

type SimulatorEvent = APIGatewayProxyEventV2 | { runScenario: string };

/** Either kind of event; an HTTP request's body arrives decoded (simulatorHandler). */
export const handler = simulatorHandler(
  async (event: SimulatorEvent): Promise<APIGatewayProxyStructuredResultV2 | undefined> => {
    const sim = await getSimulator();
    if ('runScenario' in event) {
      await sim.runScenario(event.runScenario);
      return undefined;
    }
    const response = await sim.handle({
      method: event.requestContext.http.method,
      path: event.rawPath.replace(/^\/simulator/, ''),
      authorization: event.headers.authorization,
      body: event.body ?? '',
      // The simulator is served by the service's own API: its webhooks are on the same origin.
      origin: `https://${event.requestContext.domainName}`,
    });
    return { statusCode: response.status, headers: { 'content-type': 'application/json' }, body: response.body };
  },
);
