import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SQSClient } from '@aws-sdk/client-sqs';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { createDocumentClient } from '#adapters/dynamodb/client';
import { DynamoDbDirectory } from '#adapters/dynamodb/directory-store';
import { CarrierSimulator, InMemorySimulatedCallStore } from '#simulator/carrier-simulator';
import { systemClock } from '#ports/clock';
import {
  API_ROUTES,
  AUTHORIZER_HANDLER,
  BACKGROUND_HANDLERS,
  DEFAULT_ROUTE_HANDLER,
} from '../functions/handlers/routes.ts';
import { STREAM_EVENT_SOURCE } from '../infra/constructs/customer-webhooks.ts';
import { ensureQueues, type LocalQueues } from './aws-resources.ts';
import { seedDemoData } from './demo-data.ts';
import { startDynamoDbLocal, startMoto, type Emulator } from './emulators.ts';
import { createHttpFront } from './http-front.ts';
import { lambdaContext } from './lambda-context.ts';
import { failureLog } from './failure-log.ts';
import { startScheduleRunner } from './schedule-runner.ts';
import { startSqsPoller } from './sqs-poller.ts';
import { startStreamPoller } from './stream-poller.ts';
import { ensureTable } from './tables.ts';
import { loggedFailure } from '../functions/handlers/batch-failures.ts';

export interface LocalStackOptions {
  /** Port of the HTTP API; 0 picks a free one. */
  apiPort: number;
  /** An already running DynamoDB endpoint, or how to start DynamoDB Local. */
  dynamodb: { endpoint: string } | { port: number; dataDir?: string };
  /** An already running moto endpoint, or the port to start moto on. */
  moto: { endpoint: string } | { port: number };
  tableName: string;
  apiKey: string;
  /**
   * Simulated phone network: 1 is realistic timing; tests compress it, drop status callbacks, or
   * turn on chaos (the network at its worst: docs/test-numbers.md).
   */
  simulator?: { timeScale?: number; dropStatusCallbacks?: number; chaos?: boolean };
  /** Overrides of the functions' timing variables (RETRY_DELAY_UNIT_SECONDS and friends). */
  environment?: Record<string, string>;
  /** How often the reconciler runs; every minute in AWS. */
  reconcileIntervalMs?: number;
  /**
   * An emulator this stack started is gone for good (DynamoDB Local, or moto that could not be
   * restarted): `message` says so in one line. Without it the line is printed and nothing else.
   */
  onFatal?: (message: string) => void;
  /** moto was restarted: its process id changed. */
  onRestart?: () => void;
  /**
   * The address the HTTP front and moto listen on: 127.0.0.1 by default; 0.0.0.0 lets a function
   * in a container (`sam local invoke`) reach them (DynamoDB Local listens on every address).
   */
  bindAddress?: string;
}

export interface LocalStack {
  url: string;
  apiKey: string;
  tableName: string;
  dynamodbEndpoint: string;
  motoEndpoint: string;
  queues: LocalQueues;
  /**
   * The functions' environment as this stack sets it (the CDK stack's variables with local values,
   * and the AWS endpoints of the emulators): what `npm run invoke` gives a handler it runs.
   */
  environment: Record<string, string>;
  simulator: CarrierSimulator;
  simulatedCalls: InMemorySimulatedCallStore;
  /** Runs the reconciler once, now. */
  reconcile(): Promise<void>;
  /** Process ids of the emulators this stack started and runs now. */
  pids(): number[];
  stop(): Promise<void>;
}

/** Local stand-ins for the provider credentials; the simulator is the only provider here. */
const LOCAL_SIMULATOR_ACCOUNT = { accountSid: `AC${'10ca1'.padEnd(32, '0')}`, authToken: 'local-simulator-auth-token' };

type HttpHandler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;
/** A handler module's export, whatever its event: the front and pollers give each its own kind. */
// biome-ignore lint/suspicious/noExplicitAny: each handler takes its own event type; the front and pollers build the right one.
type AnyHandler = (event: any, context: Context) => Promise<any>;

/**
 * The whole service on this machine: the same handlers and AWS adapters as in AWS, against
 * emulators, plus what AWS itself would do (API Gateway, SQS event sources, Scheduler firing,
 * the reconciler's timer) and a simulated phone network. Handlers read their configuration from
 * the environment when first imported, so a process runs one local stack.
 */
export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const stops: Array<() => Promise<void>> = [];
  const stop = async () => {
    for (const step of stops.reverse()) await step().catch(() => undefined);
    stops.length = 0;
  };
  try {
    // 1. Emulators: DynamoDB Local and moto, unless the caller runs them already.
    const dynamodbProcess = 'endpoint' in options.dynamodb ? undefined : await startDynamoDbLocal(options.dynamodb);
    stops.push(async () => dynamodbProcess?.stop());
    const dynamodb = dynamodbProcess ?? (options.dynamodb as { endpoint: string });
    let motoProcess =
      'endpoint' in options.moto ? undefined : await startMoto({ ...options.moto, host: options.bindAddress });
    stops.push(async () => motoProcess?.stop());
    const moto = motoProcess ?? (options.moto as { endpoint: string });

    // 2. The HTTP front listens first: the functions need its URL for the provider's webhooks.
    const routes = new Map<string, AnyHandler>();
    const lazy =
      (name: string): AnyHandler =>
      (event, context) =>
        (routes.get(name) as AnyHandler)(event, context);
    const server = createHttpFront({
      routes: API_ROUTES.map((route) => ({ ...route, invoke: lazy(route.handler) })),
      defaultRoute: lazy(DEFAULT_ROUTE_HANDLER),
      authorizer: lazy(AUTHORIZER_HANDLER),
    });
    await listen(server, options.apiPort, options.bindAddress ?? '127.0.0.1');
    stops.push(() => close(server));
    const url = `http://localhost:${(server.address() as AddressInfo).port}`;

    // 3. Point the real adapters at the emulators through the standard AWS variables.
    Object.assign(process.env, {
      AWS_ACCESS_KEY_ID: process.env.AWS_ACCESS_KEY_ID ?? 'local',
      AWS_SECRET_ACCESS_KEY: process.env.AWS_SECRET_ACCESS_KEY ?? 'local',
    });
    // Credentials stay out of `environment` (written to .local/stack.json): the emulators take any.
    const awsEnvironment: Record<string, string> = {
      AWS_REGION: process.env.AWS_REGION ?? 'us-east-1',
      AWS_ENDPOINT_URL_DYNAMODB: dynamodb.endpoint,
      AWS_ENDPOINT_URL_SQS: moto.endpoint,
      AWS_ENDPOINT_URL_SCHEDULER: moto.endpoint,
      AWS_ENDPOINT_URL_EVENTBRIDGE: moto.endpoint,
      AWS_ENDPOINT_URL_DYNAMODB_STREAMS: dynamodb.endpoint,
      POWERTOOLS_SERVICE_NAME: 'outbound-calls',
      POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'WARN',
      // Business metrics are CloudWatch EMF lines on stdout; locally they would only be noise.
      POWERTOOLS_METRICS_DISABLED: process.env.POWERTOOLS_METRICS_DISABLED ?? 'true',
    };
    Object.assign(process.env, awsEnvironment);
    const sqs = new SQSClient({});
    const schedulerClient = new SchedulerClient({});
    const dynamo = new DynamoDBClient({});

    // 4. The table, queues and schedule group as the CDK stack defines them; the demo data.
    await ensureTable(dynamo, options.tableName);
    const queues = await ensureQueues(sqs, schedulerClient, new EventBridgeClient({}), options.tableName);
    await seedDemoData(
      { directory: new DynamoDbDirectory(createDocumentClient(dynamo), options.tableName), clock: systemClock },
      options.apiKey,
    );

    // 5. The functions' environment, as the CDK stack sets it in AWS.
    const functionEnvironment: Record<string, string> = {
      TABLE_NAME: options.tableName,
      DIAL_QUEUE_URL: queues.dialQueueUrl,
      DIAL_QUEUE_ARN: queues.dialQueueArn,
      DIAL_DLQ_URL: queues.dialDlqUrl,
      SCHEDULER_DLQ_ARN: queues.schedulerDlqArn,
      SCHEDULE_GROUP_NAME: queues.scheduleGroupName,
      SCHEDULER_ROLE_ARN: queues.schedulerRoleArn,
      TELEPHONY_WEBHOOK_BASE_URL: url,
      SIMULATOR_API_BASE_URL: `${url}/simulator`,
      SIMULATOR_ACCOUNT_SID: LOCAL_SIMULATOR_ACCOUNT.accountSid,
      SIMULATOR_AUTH_TOKEN: LOCAL_SIMULATOR_ACCOUNT.authToken,
      // In the local stack live keys reach the simulator too: there is no real phone network here.
      TWILIO_API_BASE_URL: `${url}/simulator`,
      TWILIO_ACCOUNT_SID: LOCAL_SIMULATOR_ACCOUNT.accountSid,
      TWILIO_AUTH_TOKEN: LOCAL_SIMULATOR_ACCOUNT.authToken,
      AGENT_STREAM_URL: process.env.AGENT_STREAM_URL ?? 'wss://agent-runtime.invalid/stream',
      DELIVERY_QUEUE_URL: queues.deliveryQueueUrl,
      DELIVERY_DLQ_URL: queues.deliveryDlqUrl,
      STREAM_FAILURE_QUEUE_URL: queues.streamFailureQueueUrl,
      EVENT_BUS_NAME: queues.eventBusName,
      // Webhooks may go to http://localhost here, so a developer can receive them on a laptop.
      WEBHOOK_ALLOW_LOCAL_HTTP: 'true',
      // Nothing remembered about accounts without endpoints, unless asked: an endpoint created
      // here receives the events of the very next call (its activeAt is its createdAt). AWS: 60 s.
      WEBHOOK_ENDPOINT_CACHE_SECONDS: process.env.WEBHOOK_ENDPOINT_CACHE_SECONDS ?? '0',
      // The emulators on a busy laptop can take seconds to answer (moto opens a connection and a
      // Python thread per request): 10 s an attempt here, where a hung attempt in AWS is 2 s.
      AWS_SDK_REQUEST_TIMEOUT_MS: process.env.AWS_SDK_REQUEST_TIMEOUT_MS ?? '10000',
      ...options.environment,
    };
    Object.assign(process.env, functionEnvironment);

    // 6. The simulated phone network, in this process so its timers can run.
    const simulatedCalls = new InMemorySimulatedCallStore();
    const simulator: CarrierSimulator = new CarrierSimulator({
      ...LOCAL_SIMULATOR_ACCOUNT,
      store: simulatedCalls,
      timeScale: options.simulator?.timeScale ?? 1,
      dropStatusCallbacks: options.simulator?.dropStatusCallbacks ?? 0,
      chaos: options.simulator?.chaos ?? false,
      // Its requests may go only to this service's telephony webhooks.
      webhookBaseUrl: url,
      startScenario: async (sid) => {
        const scenario = simulator
          .runScenario(sid)
          .catch((error: unknown) => console.error('Simulated call failed', loggedFailure(error)));
        scenarios.add(scenario);
        void scenario.finally(() => scenarios.delete(scenario));
      },
    });
    const scenarios = new Set<Promise<void>>();
    // While an emulator is restarting or lost, the loops stay quiet: the stack has said so itself.
    let emulatorDown = false;
    const loopFailures = (what: string) => failureLog(what, () => emulatorDown);
    stops.push(async () => {
      await Promise.allSettled([...scenarios]);
    });

    // 7. Load the handlers, exactly the modules the CDK stack bundles.
    const load = async (name: string) => (await import(`../functions/handlers/${name}.ts`)).handler;
    for (const name of new Set([
      ...API_ROUTES.map((route) => route.handler),
      DEFAULT_ROUTE_HANDLER,
      AUTHORIZER_HANDLER,
    ])) {
      routes.set(name, name === 'carrier-simulator' ? simulatorRoute(simulator) : await load(name));
    }

    // 8. What AWS does by itself: SQS invokes the dialer, Scheduler fires, EventBridge runs the reconciler.
    stops.push(
      startSqsPoller({
        sqs,
        queueUrl: queues.dialQueueUrl,
        queueArn: queues.dialQueueArn,
        handler: await load(BACKGROUND_HANDLERS.dialer),
        functionName: 'dialer',
        failures: loopFailures('Polling the dial queue'),
      }),
    );
    stops.push(
      startScheduleRunner({
        scheduler: schedulerClient,
        sqs,
        groupName: queues.scheduleGroupName,
        failures: loopFailures('The schedule runner'),
      }),
    );
    stops.push(
      startStreamPoller({
        dynamodb: dynamo,
        tableName: options.tableName,
        handler: await load(BACKGROUND_HANDLERS.eventsStream),
        functionName: 'events-stream',
        from: 'LATEST',
        ...STREAM_EVENT_SOURCE,
        onFailure: { sqs, queueUrl: queues.streamFailureQueueUrl },
        failures: loopFailures('Reading the table stream'),
      }),
    );
    stops.push(
      startSqsPoller({
        sqs,
        queueUrl: queues.deliveryQueueUrl,
        queueArn: queues.deliveryQueueArn,
        handler: await load(BACKGROUND_HANDLERS.webhookDelivery),
        functionName: 'webhook-delivery',
        failures: loopFailures('Polling the delivery queue'),
      }),
    );
    const reconciler = await load(BACKGROUND_HANDLERS.reconciler);
    const reconcile = () => reconciler({}, lambdaContext('reconciler'));
    const reconcilerFailures = loopFailures('The reconciler');
    const timer = setInterval(
      () => void reconcile().then(reconcilerFailures.succeeded, reconcilerFailures.failed),
      options.reconcileIntervalMs ?? 60_000,
    );
    stops.push(async () => clearInterval(timer));

    // 9. moto forgets queues and schedules when it stops: send pending calls on their way again.
    await resumePendingCalls();

    // 10. An emulator that dies is reported in one line. moto keeps everything in memory, so it is
    //     restarted on its port and given back its queues, schedule group and pending calls (not
    //     what its queues held: messages waiting for delivery are lost, and calls are re-sent from
    //     the table; webhook events can be redelivered from the table with the API);
    //     DynamoDB Local holds the data, and without it the stack stops (onFatal).
    let stopped = false;
    const fatal = (message: string) => (options.onFatal ?? console.error)(message);
    const superviseMoto = (emulator: Emulator) =>
      void emulator.lost.then(async (how) => {
        if (stopped) return;
        emulatorDown = true;
        console.error(`moto (SQS and Scheduler) ${how}: restarting it and recreating its queues and schedules.`);
        try {
          motoProcess = await startMoto({ port: Number(new URL(emulator.endpoint).port), host: options.bindAddress });
          // Stopped while it was starting: the stop step already ran, so this one is ours to end.
          if (stopped) {
            await motoProcess.stop();
            return;
          }
          await ensureQueues(sqs, schedulerClient, new EventBridgeClient({}), options.tableName);
          await resumePendingCalls();
          emulatorDown = false;
          console.error('moto is running again, with its queues, schedule group and pending calls.');
          options.onRestart?.();
          superviseMoto(motoProcess);
        } catch (error) {
          if (!stopped)
            fatal(`moto could not be restarted (${String(error).split('\n')[0]}): stopping the local stack.`);
        }
      });
    if (motoProcess) superviseMoto(motoProcess);
    void dynamodbProcess?.lost.then((how) => {
      emulatorDown = true;
      if (!stopped) fatal(`DynamoDB Local ${how}: the local stack cannot go on without its table, so it stops.`);
    });
    stops.push(async () => {
      stopped = true;
    });

    return {
      url,
      apiKey: options.apiKey,
      tableName: options.tableName,
      dynamodbEndpoint: dynamodb.endpoint,
      motoEndpoint: moto.endpoint,
      queues,
      environment: { ...awsEnvironment, ...functionEnvironment },
      simulator,
      simulatedCalls,
      reconcile,
      pids: () => [dynamodbProcess?.pid, motoProcess?.pid].filter((pid): pid is number => pid !== undefined),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function resumePendingCalls(): Promise<void> {
  const { reconcilerQueries } = await import('../functions/handlers/composition/table.ts');
  const { dispatchDeps } = await import('../functions/handlers/composition/dispatch.ts');
  const { dispatchCall } = await import('#use-cases/dispatch-call');
  for (const call of await reconcilerQueries.listUnfinished()) await dispatchCall(dispatchDeps, call);
}

/** The simulator's Calls API, served in process (in AWS, the carrier-simulator function). */
function simulatorRoute(simulator: CarrierSimulator): HttpHandler {
  return async (event) => {
    const response = await simulator.handle({
      method: event.requestContext.http.method,
      path: event.rawPath.replace(/^\/simulator/, ''),
      authorization: event.headers.authorization,
      body: event.body ?? '',
    });
    return { statusCode: response.status, headers: { 'content-type': 'application/json' }, body: response.body };
  };
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
}

function close(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}
