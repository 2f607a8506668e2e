import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createDocumentClient } from '#adapters/dynamodb/client';
import { DynamoDbDirectory } from '#adapters/dynamodb/directory-store';
import { systemClock } from '#ports/clock';
import { API_ROUTES, AUTHORIZER_HANDLER, DEFAULT_ROUTE_HANDLER } from '../routes.ts';
import { seedDemoData } from './demo-data.ts';
import { startDynamoDbLocal, type Emulator } from './emulators.ts';
import { createHttpFront } from './http-front.ts';
import { ensureTable } from './tables.ts';

export interface LocalStackOptions {
  /** Port of the HTTP API; 0 picks a free one. */
  apiPort: number;
  /** An already running DynamoDB endpoint, or how to start DynamoDB Local. */
  dynamodb: { endpoint: string } | { port: number; dataDir?: string };
  tableName: string;
  apiKey: string;
}

export interface LocalStack {
  url: string;
  apiKey: string;
  tableName: string;
  dynamodbEndpoint: string;
  stop(): Promise<void>;
}

/**
 * The whole service on this machine: the same handlers and AWS adapters as in AWS, against
 * emulators. Handlers read their configuration from the environment when first imported, so a
 * process runs one local stack.
 */
export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const stops: Array<() => Promise<void>> = [];
  const stop = async () => {
    for (const step of stops.reverse()) await step().catch(() => undefined);
  };
  try {
    // 1. Emulators: DynamoDB Local, unless the caller runs one already.
    let dynamodb: Emulator | { endpoint: string } = options.dynamodb as { endpoint: string };
    if (!('endpoint' in options.dynamodb)) {
      const started = await startDynamoDbLocal(options.dynamodb);
      stops.push(started.stop);
      dynamodb = started;
    }

    // 2. Point the real adapters at them through the standard AWS variables.
    Object.assign(process.env, {
      AWS_REGION: process.env.AWS_REGION ?? 'us-east-1',
      AWS_ACCESS_KEY_ID: process.env.AWS_ACCESS_KEY_ID ?? 'local',
      AWS_SECRET_ACCESS_KEY: process.env.AWS_SECRET_ACCESS_KEY ?? 'local',
      AWS_ENDPOINT_URL_DYNAMODB: dynamodb.endpoint,
      TABLE_NAME: options.tableName,
      POWERTOOLS_SERVICE_NAME: 'outbound-calls',
      POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'WARN',
    });

    // 3. The table as the CDK stack defines it, and the documented demo data.
    const client = new DynamoDBClient({});
    await ensureTable(client, options.tableName);
    await seedDemoData(
      { directory: new DynamoDbDirectory(createDocumentClient(client), options.tableName), clock: systemClock },
      options.apiKey,
    );

    // 4. The HTTP API, invoking the handler modules exactly as API Gateway would.
    const load = async (name: string) => (await import(`../../functions/handlers/${name}.ts`)).handler;
    const routes = await Promise.all(API_ROUTES.map(async (route) => ({ ...route, invoke: await load(route.handler) })));
    const server = createHttpFront({
      routes,
      defaultRoute: await load(DEFAULT_ROUTE_HANDLER),
      authorizer: await load(AUTHORIZER_HANDLER),
    });
    await listen(server, options.apiPort);
    stops.push(() => close(server));

    const port = (server.address() as AddressInfo).port;
    return {
      url: `http://localhost:${port}`,
      apiKey: options.apiKey,
      tableName: options.tableName,
      dynamodbEndpoint: dynamodb.endpoint,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
}

function close(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}
