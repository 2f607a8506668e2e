import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import {
  ApiFunctionEnvSchema,
  AuthorizerEnvSchema,
  CarrierSimulatorEnvSchema,
  CreateCallEnvSchema,
  DialerEnvSchema,
  EventsStreamEnvSchema,
  NoEnvSchema,
  ReadApiEnvSchema,
  SuppressionsApiEnvSchema,
  ReconcilerEnvSchema,
  TelephonyWebhookEnvSchema,
  WebhookApiEnvSchema,
  WebhookDeliveryEnvSchema,
} from '#schemas/env';
import { HANDLER_NAMES } from '../constructs/bundling.ts';
import { CallDispatch } from '../constructs/call-dispatch.ts';
import { CustomerWebhooks } from '../constructs/customer-webhooks.ts';
import { AUTHORIZER_INSTANCE_CACHE, ServiceApi, type CustomDomain } from '../constructs/service-api.ts';
import { ServiceFunction, type Binding, type ServiceFunctionProps } from '../constructs/service-function.ts';
import { ServiceMonitoring } from '../constructs/service-monitoring.ts';
import { ServiceTable } from '../constructs/service-table.ts';
import { TelephonySecret } from '../constructs/telephony-secret.ts';
import {
  API_ROUTES,
  AUTHORIZER_HANDLER,
  BACKGROUND_HANDLERS,
  DEFAULT_ROUTE_HANDLER,
} from '../../functions/handlers/routes.ts';
import type { StageConfig } from './stage-config.ts';
import type * as z from 'zod/mini';

export interface OutboundCallsStackProps extends StackProps {
  stage: StageConfig;
  /** The agent runtime's media stream (wss://…) that answered calls connect to. */
  agentStreamUrl: string;
  customDomain?: CustomDomain;
  alarmEmail?: string;
}

/** A function with the stage's log settings. */
type ServiceFunctionFactory = <S extends z.ZodMiniObject, B extends readonly Binding[]>(
  id: string,
  options: Omit<ServiceFunctionProps<S, B>, 'logRetention' | 'logRemovalPolicy' | 'logLevel'>,
) => ServiceFunction<S, B>;

/** Long enough for a batch of dial messages, each waiting at most a moment for its CPS slot. */
const DIALER_TIMEOUT = Duration.seconds(30);
/** A batch of webhook POSTs, each with a 10-second timeout, sent in parallel. */
const DELIVERY_TIMEOUT = Duration.seconds(30);
/** The carrier simulator's handler: deployed only where the stage asks for it (stage-config.ts). */
const SIMULATOR = 'carrier-simulator';

/**
 * The Outbound Calls service (docs/deploy.md): the HTTP API, one function per handler, the
 * table, the dispatch path (dial queue, schedules), the telephony secret, alarms and a dashboard.
 */
export class OutboundCallsStack extends Stack {
  readonly functions: Record<string, ServiceFunction>;

  constructor(scope: Construct, id: string, props: OutboundCallsStackProps) {
    super(scope, id, props);
    const { stage } = props;

    // 1. State: the table, the dispatch path and the provider credentials.
    const data = new ServiceTable(this, 'Data', {
      removalPolicy: stage.removalPolicy,
      deletionProtection: stage.deletionProtection,
    });
    const dispatch = new CallDispatch(this, 'Dispatch', { dialerTimeout: DIALER_TIMEOUT });
    const telephonySecret = new TelephonySecret(this, 'TelephonySecret', { removalPolicy: stage.removalPolicy });
    const webhooks = new CustomerWebhooks(this, 'Webhooks', { deliveryTimeout: DELIVERY_TIMEOUT });

    // 2. The API without its routes: its URL is what the provider and the simulator call back.
    const api = new ServiceApi(this, 'Api', {
      throttle: stage.apiThrottle,
      publicRouteThrottles: stage.publicRouteThrottles,
      logRetention: stage.logRetention,
      logRemovalPolicy: stage.removalPolicy,
      customDomain: props.customDomain,
    });
    // Without the simulator, test keys' calls have nowhere to go: the functions are not told one.
    const simulatorUrl = stage.carrierSimulator ? `${api.publicUrl}/simulator` : undefined;
    const telephonyUrls = { TELEPHONY_WEBHOOK_BASE_URL: api.publicUrl, SIMULATOR_API_BASE_URL: simulatorUrl };

    // 3. One function per handler, each with only the access its work needs.
    const serviceFunction: ServiceFunctionFactory = (id, options) =>
      new ServiceFunction(this, id, {
        ...options,
        logRetention: stage.logRetention,
        logRemovalPolicy: stage.removalPolicy,
        logLevel: stage.logLevel,
      });
    // Room for the worst a request meets when DynamoDB stops answering: three tries of 2 s, the
    // adapters' extra send (1 s), then up to 2.5 s for each piece of work after the write (docs/architecture.md, "Lost answers").
    const API_TIMEOUT = Duration.seconds(15);
    const placesCalls = [
      data.access('readWrite'),
      dispatch.enqueueCalls,
      dispatch.manageSchedules,
      telephonySecret.read,
    ] as const;

    const functions = {
      [AUTHORIZER_HANDLER]: serviceFunction('Authorizer', {
        handler: AUTHORIZER_HANDLER,
        environmentSchema: AuthorizerEnvSchema,
        bindings: [data.access('read')],
        environment: { API_KEY_CACHE_SECONDS: String(AUTHORIZER_INSTANCE_CACHE.toSeconds()) },
        timeout: API_TIMEOUT,
      }),
      'create-call': serviceFunction('CreateCall', {
        handler: 'create-call',
        environmentSchema: CreateCallEnvSchema,
        bindings: [data.access('readWrite'), dispatch.enqueueCalls, dispatch.manageSchedules],
        // Where test keys' calls go, if anywhere: without it, create refuses them (422).
        environment: { SIMULATOR_API_BASE_URL: simulatorUrl },
        timeout: API_TIMEOUT,
      }),
      'get-call': serviceFunction('GetCall', {
        handler: 'get-call',
        environmentSchema: ReadApiEnvSchema,
        bindings: [data.access('read')],
        environment: {},
        timeout: API_TIMEOUT,
      }),
      'list-calls': serviceFunction('ListCalls', {
        handler: 'list-calls',
        environmentSchema: ReadApiEnvSchema,
        // It remembers where each served page ends (page starts), and writes nothing else.
        bindings: [data.access('read'), data.pageStartWrites],
        environment: {},
        timeout: API_TIMEOUT,
      }),
      'cancel-call': serviceFunction('CancelCall', {
        handler: 'cancel-call',
        environmentSchema: ApiFunctionEnvSchema,
        bindings: [data.access('readWrite'), dispatch.manageSchedules],
        environment: {},
        timeout: API_TIMEOUT,
      }),
      suppressions: serviceFunction('Suppressions', {
        handler: 'suppressions',
        environmentSchema: SuppressionsApiEnvSchema,
        bindings: [data.access('readWrite')],
        environment: {},
        timeout: API_TIMEOUT,
      }),
      // PATCH of a scheduled call: writes it, and moves its schedule (or sends it to the dial queue).
      'update-call': serviceFunction('UpdateCall', {
        handler: 'update-call',
        environmentSchema: ApiFunctionEnvSchema,
        bindings: [data.access('readWrite'), dispatch.enqueueCalls, dispatch.manageSchedules],
        environment: {},
        timeout: API_TIMEOUT,
      }),
      [DEFAULT_ROUTE_HANDLER]: serviceFunction('RouteNotFound', {
        handler: DEFAULT_ROUTE_HANDLER,
        // Answers 404 or 405 and touches nothing: no variables, no access.
        environmentSchema: NoEnvSchema,
        bindings: [],
        environment: {},
        timeout: Duration.seconds(3),
      }),
      'openapi-document': serviceFunction('OpenApiDocument', {
        handler: 'openapi-document',
        // Serves the document bundled into it: no variables, no access.
        environmentSchema: NoEnvSchema,
        bindings: [],
        environment: {},
        timeout: Duration.seconds(3),
      }),
      'telephony-webhooks': serviceFunction('TelephonyWebhooks', {
        handler: 'telephony-webhooks',
        environmentSchema: TelephonyWebhookEnvSchema,
        bindings: placesCalls,
        environment: { ...telephonyUrls, AGENT_STREAM_URL: props.agentStreamUrl },
        timeout: API_TIMEOUT,
      }),
      [BACKGROUND_HANDLERS.dialer]: serviceFunction('Dialer', {
        handler: BACKGROUND_HANDLERS.dialer,
        environmentSchema: DialerEnvSchema,
        bindings: placesCalls,
        environment: telephonyUrls,
        timeout: DIALER_TIMEOUT,
      }),
      // The campaigns API creates up to 1,000 calls per request: API Gateway's most, 29 s, to do it in.
      campaigns: serviceFunction('Campaigns', {
        handler: 'campaigns',
        environmentSchema: CreateCallEnvSchema,
        bindings: [data.access('readWrite'), dispatch.enqueueCalls, dispatch.manageSchedules],
        environment: { SIMULATOR_API_BASE_URL: simulatorUrl },
        timeout: Duration.seconds(29),
      }),
      'webhook-endpoints': serviceFunction('WebhookEndpoints', {
        handler: 'webhook-endpoints',
        environmentSchema: WebhookApiEnvSchema,
        bindings: [data.access('readWrite'), webhooks.enqueueDeliveries],
        environment: webhooks.endpointCacheEnvironment,
        timeout: API_TIMEOUT,
      }),
      [BACKGROUND_HANDLERS.eventsStream]: serviceFunction('EventsStream', {
        handler: BACKGROUND_HANDLERS.eventsStream,
        environmentSchema: EventsStreamEnvSchema,
        bindings: [data.access('readWrite'), webhooks.enqueueDeliveries, webhooks.publishEvents],
        environment: webhooks.endpointCacheEnvironment,
        timeout: Duration.minutes(1),
      }),
      [BACKGROUND_HANDLERS.webhookDelivery]: serviceFunction('WebhookDelivery', {
        handler: BACKGROUND_HANDLERS.webhookDelivery,
        environmentSchema: WebhookDeliveryEnvSchema,
        bindings: [data.access('readWrite'), webhooks.enqueueDeliveries],
        environment: {},
        timeout: DELIVERY_TIMEOUT,
      }),
      [BACKGROUND_HANDLERS.reconciler]: serviceFunction('Reconciler', {
        handler: BACKGROUND_HANDLERS.reconciler,
        environmentSchema: ReconcilerEnvSchema,
        bindings: placesCalls,
        environment: telephonyUrls,
        timeout: Duration.minutes(1),
        // A missed run is made good by the next one, a minute later.
        retryAttempts: 0,
      }),
    } satisfies Record<string, ServiceFunction>;
    const deployed: Record<string, ServiceFunction> = { ...functions };
    if (stage.carrierSimulator) deployed[SIMULATOR] = this.carrierSimulator(serviceFunction, data, telephonySecret);
    this.functions = deployed;
    const missing = HANDLER_NAMES.filter((name) => !(name in deployed) && name !== SIMULATOR);
    if (missing.length > 0)
      throw new Error(`routes.ts names handlers the stack does not deploy: ${missing.join(', ')}`);

    // 4. Wiring: routes, the dial queue's consumer, the reconciler's clock.
    api.addServiceRoutes({
      routes: API_ROUTES.filter((route) => route.handler !== SIMULATOR || stage.carrierSimulator),
      functionFor: (handler) => deployed[handler] as ServiceFunction,
      authorizer: functions.authorizer,
      notFound: functions[DEFAULT_ROUTE_HANDLER],
    });
    dispatch.consumeWith(functions.dialer, stage.dialerMaxConcurrency);
    webhooks.produceFrom(data.table, functions[BACKGROUND_HANDLERS.eventsStream]);
    webhooks.deliverWith(functions[BACKGROUND_HANDLERS.webhookDelivery], stage.webhookDeliveryMaxConcurrency);
    new events.Rule(this, 'ReconcilerSchedule', {
      description: 'Runs the reconciler every minute: stuck calls, overdue schedules, slot counts',
      schedule: events.Schedule.rate(Duration.minutes(1)),
      targets: [new targets.LambdaFunction(functions.reconciler, { retryAttempts: 0 })],
    });

    // 5. Operations.
    const monitoring = new ServiceMonitoring(this, 'Monitoring', {
      functions: Object.values(deployed),
      api,
      dialQueue: dispatch.dialQueue,
      deadLetterQueues: {
        DialDeadLetterQueue: dispatch.dialDeadLetterQueue,
        SchedulerDeadLetterQueue: dispatch.schedulerDeadLetterQueue,
        WebhookDeadLetterQueue: webhooks.deliveryDeadLetterQueue,
        EventsStreamFailureQueue: webhooks.streamFailureQueue,
      },
      thresholds: stage.alarms,
      alarmEmail: props.alarmEmail,
    });

    new CfnOutput(this, 'ApiUrl', {
      value: api.publicUrl,
      description: 'Base URL of the API: <ApiUrl>/api/v1/outbound-calls',
    });
    new CfnOutput(this, 'TableName', {
      value: data.table.tableName,
      description: 'For `npm run admin -- … --table <TableName>`',
    });
    new CfnOutput(this, 'DialQueueUrl', { value: dispatch.dialQueue.queueUrl });
    new CfnOutput(this, 'DialDeadLetterQueueUrl', { value: dispatch.dialDeadLetterQueue.queueUrl });
    new CfnOutput(this, 'SchedulerDeadLetterQueueUrl', { value: dispatch.schedulerDeadLetterQueue.queueUrl });
    new CfnOutput(this, 'WebhookDeliveryQueueUrl', { value: webhooks.deliveryQueue.queueUrl });
    new CfnOutput(this, 'EventBusName', {
      value: webhooks.bus.eventBusName,
      description: 'Call events for EventBridge rules (docs/webhooks.md)',
    });
    new CfnOutput(this, 'TelephonySecretArn', {
      value: telephonySecret.secret.secretArn,
      description: 'Put the Twilio credentials here (docs/deploy.md)',
    });
    new CfnOutput(this, 'AlarmTopicArn', { value: monitoring.alarmTopic.topicArn });
    if (api.domain) {
      new CfnOutput(this, 'CustomDomainTarget', {
        value: api.domain.regionalDomainName,
        description: 'Point a CNAME for the custom domain here',
      });
    }
  }

  /** The carrier simulator, for stages that deploy it: test keys' calls go there. */
  private carrierSimulator(
    serviceFunction: ServiceFunctionFactory,
    data: ServiceTable,
    telephonySecret: TelephonySecret,
  ): ServiceFunction {
    const simulator = serviceFunction('CarrierSimulator', {
      handler: SIMULATOR,
      environmentSchema: CarrierSimulatorEnvSchema,
      bindings: [data.access('readWrite'), telephonySecret.read],
      environment: {},
      // It plays a call's whole scenario (ringing, talking: under a minute at time scale 1) in
      // one asynchronous invocation.
      timeout: Duration.minutes(3),
    });
    // It runs each call's scenario by invoking itself asynchronously (it knows its name from
    // AWS_LAMBDA_FUNCTION_NAME). A separate policy, because the function's default policy naming
    // the function would make the function depend on itself.
    new iam.Policy(this, 'CarrierSimulatorSelfInvoke', {
      roles: [simulator.role as iam.IRole],
      statements: [new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [simulator.functionArn] })],
    });
    return simulator;
  }
}
