import { Match, type Template } from 'aws-cdk-lib/assertions';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import type * as z from 'zod/mini';
import { ALL_INDEXES, TABLE } from '#adapters/dynamodb/table-design';
import { CONTACTS_GRACE_MS } from '#domain/campaign';
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
import { API_ROUTES, BACKGROUND_HANDLERS, DEFAULT_ROUTE_HANDLER } from '../../functions/handlers/routes.ts';
import { HANDLER_NAMES } from '../../infra/constructs/bundling.ts';
import { AUTHORIZER_INSTANCE_CACHE, KEY_REVOCATION_DELAY } from '../../infra/constructs/service-api.ts';
import type { OutboundCallsStack } from '../../infra/stacks/outbound-calls-stack.ts';
import { STAGES, type StageConfig } from '../../infra/stacks/stage-config.ts';
import {
  AGENT_STREAM_URL,
  buildStack,
  findCycle,
  resourcesOfType,
  templateOf,
  type CfnTemplate,
} from './stack-fixture.ts';

/** The schema each handler checks its environment with (functions/schemas/env.ts). */
const ENV_SCHEMAS: Record<string, z.ZodMiniObject> = {
  authorizer: AuthorizerEnvSchema,
  'create-call': CreateCallEnvSchema,
  'get-call': ReadApiEnvSchema,
  'list-calls': ReadApiEnvSchema,
  'cancel-call': ApiFunctionEnvSchema,
  campaigns: CreateCallEnvSchema,
  suppressions: SuppressionsApiEnvSchema,
  'update-call': ApiFunctionEnvSchema,
  [DEFAULT_ROUTE_HANDLER]: NoEnvSchema,
  // Serves the OpenAPI document bundled into it; reads no variables.
  'openapi-document': NoEnvSchema,
  'webhook-endpoints': WebhookApiEnvSchema,
  [BACKGROUND_HANDLERS.eventsStream]: EventsStreamEnvSchema,
  [BACKGROUND_HANDLERS.webhookDelivery]: WebhookDeliveryEnvSchema,
  'telephony-webhooks': TelephonyWebhookEnvSchema,
  'carrier-simulator': CarrierSimulatorEnvSchema,
  [BACKGROUND_HANDLERS.dialer]: DialerEnvSchema,
  [BACKGROUND_HANDLERS.reconciler]: ReconcilerEnvSchema,
};
const SHARED_VARIABLES = [
  'POWERTOOLS_SERVICE_NAME',
  'POWERTOOLS_METRICS_NAMESPACE',
  'POWERTOOLS_LOG_LEVEL',
  'POWERTOOLS_LOGGER_LOG_EVENT',
  'POWERTOOLS_TRACER_CAPTURE_RESPONSE',
  'NODE_OPTIONS',
];
const SCHEDULING_FUNCTIONS = [
  'campaigns',
  'create-call',
  'cancel-call',
  'update-call',
  'telephony-webhooks',
  'reconciler',
  'dialer',
];
const SECRET_READERS = ['dialer', 'telephony-webhooks', 'reconciler'];
const SIMULATOR = 'carrier-simulator';
/** The handlers a stage deploys: all of routes.ts, the carrier simulator only where the stage asks for it. */
const handlersOf = (stage: StageConfig) => HANDLER_NAMES.filter((name) => name !== SIMULATOR || stage.carrierSimulator);
/** prod's settings with the carrier simulator deployed (-c carrierSimulator=true). */
const PROD_WITH_SIMULATOR: StageConfig = { ...STAGES.prod, carrierSimulator: true };
const DIAL_QUEUE_SENDERS = ['campaigns', 'create-call', 'dialer', 'reconciler', 'telephony-webhooks', 'update-call'];
/** AWS offers no resource-level permissions for these, so they alone may name Resource "*". */
// X-Ray's actions, and dynamodb:ListStreams (the stream event source's), have no resource-level permissions.
const ACTIONS_WITHOUT_RESOURCES = new Set([
  'xray:PutTraceSegments',
  'xray:PutTelemetryRecords',
  'dynamodb:ListStreams',
]);

type Statement = { Effect: string; Action: string | string[]; Resource: unknown; Condition?: Record<string, unknown> };
const list = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);

function inspect(stack: OutboundCallsStack, handlers: readonly string[]) {
  const template = templateOf(stack);
  const json = template.toJSON() as CfnTemplate;
  const logicalId = (handler: string) => {
    const fn = stack.functions[handler];
    if (!fn) throw new Error(`no function for ${handler}`);
    return stack.getLogicalId(fn.node.defaultChild as CfnFunction);
  };
  const onlyOne = (type: string) => {
    const found = resourcesOfType(json, type);
    expect(found).toHaveLength(1);
    return found[0] as [string, NonNullable<CfnTemplate['Resources'][string]>];
  };
  const functionResource = (handler: string) =>
    json.Resources[logicalId(handler)] as { Properties: Record<string, any> };
  const roleId = (handler: string) => functionResource(handler).Properties.Role['Fn::GetAtt'][0] as string;
  /** Every statement of the identity policies attached to a role. */
  const statementsOfRole = (role: string): Statement[] =>
    resourcesOfType(json, 'AWS::IAM::Policy')
      .filter(([, policy]) => policy.Properties?.Roles.some((ref: { Ref: string }) => ref.Ref === role))
      .flatMap(([, policy]) => policy.Properties?.PolicyDocument.Statement as Statement[]);
  const statementsOf = (handler: string) => statementsOfRole(roleId(handler));
  const handlersAllowed = (action: string) =>
    handlers
      .filter((handler) => statementsOf(handler).some((statement) => list(statement.Action).includes(action)))
      .sort();
  /** Handlers allowed `action` on the resource with this logical id (its ARN). */
  const handlersAllowedOn = (action: string, resourceId: string) =>
    handlers
      .filter((handler) =>
        statementsOf(handler).some(
          (statement) =>
            list(statement.Action).includes(action) &&
            list(statement.Resource).some(
              (r) => JSON.stringify(r) === JSON.stringify({ 'Fn::GetAtt': [resourceId, 'Arn'] }),
            ),
        ),
      )
      .sort();
  /** The event source mapping that feeds a handler. */
  const mappingOf = (handler: string) =>
    resourcesOfType(json, 'AWS::Lambda::EventSourceMapping').find(
      ([, m]) => m.Properties?.FunctionName?.Ref === logicalId(handler),
    )?.[1];
  return {
    handlers,
    template,
    json,
    logicalId,
    onlyOne,
    functionResource,
    statementsOf,
    statementsOfRole,
    handlersAllowed,
    handlersAllowedOn,
    mappingOf,
  };
}

let prod: ReturnType<typeof inspect>;
let dev: ReturnType<typeof inspect>;

beforeAll(() => {
  prod = inspect(buildStack('prod').stack, handlersOf(STAGES.prod));
  dev = inspect(buildStack('dev').stack, handlersOf(STAGES.dev));
});

describe('HTTP API', () => {
  it('serves every route of routes.ts whose handler the stage deploys, with the API-key authorizer exactly where it says', () => {
    for (const inspected of [prod, dev]) {
      const [authorizerId] = inspected.onlyOne('AWS::ApiGatewayV2::Authorizer');
      const routes = API_ROUTES.filter((route) => inspected.handlers.includes(route.handler));
      for (const route of routes) {
        const [, resource] = resourcesOfType(inspected.json, 'AWS::ApiGatewayV2::Route').find(
          ([, r]) => r.Properties?.RouteKey === `${route.method} ${route.path}`,
        ) ?? [undefined, undefined];
        expect(resource, `${route.method} ${route.path}`).toBeDefined();
        expect(resource?.Properties?.AuthorizationType).toBe(route.authorized ? 'CUSTOM' : 'NONE');
        if (route.authorized) expect(resource?.Properties?.AuthorizerId).toEqual({ Ref: authorizerId });
        const integrationId = resource?.Properties?.Target['Fn::Join'][1][1].Ref as string;
        expect(inspected.json.Resources[integrationId]?.Properties?.IntegrationUri).toEqual({
          'Fn::GetAtt': [inspected.logicalId(route.handler), 'Arn'],
        });
      }
      expect(resourcesOfType(inspected.json, 'AWS::ApiGatewayV2::Route')).toHaveLength(routes.length + 1);
    }
  });

  it('sends every other request to route-not-found ($default)', () => {
    const [, route] =
      resourcesOfType(prod.json, 'AWS::ApiGatewayV2::Route').find(([, r]) => r.Properties?.RouteKey === '$default') ??
      [];
    expect(route?.Properties?.AuthorizationType).toBe('NONE');
    const integrationId = route?.Properties?.Target['Fn::Join'][1][1].Ref as string;
    expect(prod.json.Resources[integrationId]?.Properties?.IntegrationUri).toEqual({
      'Fn::GetAtt': [prod.logicalId(DEFAULT_ROUTE_HANDLER), 'Arn'],
    });
  });

  it('has a Lambda authorizer with simple responses, cached on the Authorization header so that a revoked key works five minutes at most', () => {
    const [, authorizer] = prod.onlyOne('AWS::ApiGatewayV2::Authorizer');
    prod.template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'REQUEST',
      AuthorizerPayloadFormatVersion: '2.0',
      EnableSimpleResponses: true,
      IdentitySource: ['$request.header.Authorization'],
      AuthorizerUri: Match.objectLike({
        'Fn::Join': ['', Match.arrayWith([{ 'Fn::GetAtt': [prod.logicalId('authorizer'), 'Arn'] }])],
      }),
    });
    // API Gateway's cache, then the authorizer instance's own: together the documented delay (docs/deploy.md).
    const gatewaySeconds = authorizer.Properties?.AuthorizerResultTtlInSeconds as number;
    const instanceSeconds = Number(
      prod.functionResource('authorizer').Properties.Environment.Variables.API_KEY_CACHE_SECONDS,
    );
    expect(instanceSeconds).toBe(AUTHORIZER_INSTANCE_CACHE.toSeconds());
    expect(instanceSeconds).toBeGreaterThan(0);
    expect(gatewaySeconds + instanceSeconds).toBe(KEY_REVOCATION_DELAY.toSeconds());
    expect(KEY_REVOCATION_DELAY.toMinutes()).toBe(5);
  });

  it('has one auto-deployed stage with the stage throttling and JSON access logs to a log group with retention', () => {
    const [, stage] = prod.onlyOne('AWS::ApiGatewayV2::Stage');
    expect(stage.Properties).toMatchObject({
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: {
        ThrottlingRateLimit: STAGES.prod.apiThrottle.rateLimit,
        ThrottlingBurstLimit: STAGES.prod.apiThrottle.burstLimit,
      },
    });
    const format = JSON.parse(stage.Properties?.AccessLogSettings.Format as string);
    expect(format).toMatchObject({
      requestId: '$context.requestId',
      status: '$context.status',
      routeKey: '$context.routeKey',
    });
    const logGroupId = stage.Properties?.AccessLogSettings.DestinationArn['Fn::GetAtt'][0] as string;
    expect(prod.json.Resources[logGroupId]?.Properties?.RetentionInDays).toBe(STAGES.prod.logRetention);
  });

  it('gives every route without an API key, $default included, its own throttle from the stage config', () => {
    for (const [name, inspected] of [
      ['prod', prod],
      ['dev', dev],
    ] as const) {
      const config = STAGES[name];
      const [, stage] = inspected.onlyOne('AWS::ApiGatewayV2::Stage');
      const publicRoutes = API_ROUTES.filter(
        (route) => !route.authorized && inspected.handlers.includes(route.handler),
      );
      const expected = Object.fromEntries(
        [
          ...publicRoutes.map((route) => [`${route.method} ${route.path}`, route.handler] as const),
          ['$default', DEFAULT_ROUTE_HANDLER] as const,
        ].map(([routeKey, handler]) => {
          const throttle = config.publicRouteThrottles[handler as keyof typeof config.publicRouteThrottles];
          return [routeKey, { ThrottlingRateLimit: throttle.rateLimit, ThrottlingBurstLimit: throttle.burstLimit }];
        }),
      );
      expect(stage.Properties?.RouteSettings, name).toEqual(expected);
      // Below the stage's own limit, which every authenticated route keeps.
      for (const settings of Object.values(expected))
        expect(settings.ThrottlingRateLimit).toBeLessThan(config.apiThrottle.rateLimit);
      // CloudFormation creates the routes before the stage that names them.
      const routeIds = resourcesOfType(inspected.json, 'AWS::ApiGatewayV2::Route')
        .filter(([, route]) => route.Properties?.RouteKey in expected)
        .map(([id]) => id);
      expect(routeIds).toHaveLength(Object.keys(expected).length);
      expect(stage.DependsOn, name).toEqual(expect.arrayContaining(routeIds));
    }
  });

  it('refuses to build a route without an API key that has no throttle of its own', () => {
    const { 'openapi-document': _omitted, ...others } = STAGES.prod.publicRouteThrottles;
    const stage = { ...STAGES.prod, publicRouteThrottles: others } as unknown as StageConfig;
    expect(() => buildStack('prod', { stage })).toThrow(/GET \/api\/v1\/openapi.json has no API key and no throttle/);
  });

  it('serves a custom domain from context, and tells Twilio and the simulator that URL', () => {
    const { stack } = buildStack('prod', {
      stage: PROD_WITH_SIMULATOR,
      customDomain: {
        domainName: 'calls.example.com',
        certificateArn: 'arn:aws:acm:us-east-1:111111111111:certificate/abc',
      },
    });
    const withDomain = inspect(stack, handlersOf(PROD_WITH_SIMULATOR));
    withDomain.template.hasResourceProperties('AWS::ApiGatewayV2::DomainName', { DomainName: 'calls.example.com' });
    withDomain.template.resourceCountIs('AWS::ApiGatewayV2::ApiMapping', 1);
    withDomain.template.hasOutput('ApiUrl', { Value: 'https://calls.example.com' });
    withDomain.template.hasOutput('CustomDomainTarget', {});
    const variables = withDomain.functionResource('dialer').Properties.Environment.Variables;
    expect(variables.TELEPHONY_WEBHOOK_BASE_URL).toBe('https://calls.example.com');
    expect(variables.SIMULATOR_API_BASE_URL).toBe('https://calls.example.com/simulator');
    expect(findCycle(withDomain.json)).toBeNull();
  });
});

describe('functions', () => {
  it('deploys one function per handler that routes.ts names, and no other', () => {
    for (const inspected of [prod, dev]) {
      const descriptions = Object.values(inspected.template.findResources('AWS::Lambda::Function')).map(
        (fn) => fn.Properties.Description,
      );
      expect(descriptions.sort()).toEqual(inspected.handlers.map((name) => `outbound-calls ${name}`).sort());
    }
    expect(Object.keys(ENV_SCHEMAS).sort()).toEqual([...HANDLER_NAMES].sort());
  });

  it('runs each on Node.js 22, arm64, as an ESM bundle, with tracing and its own log group', () => {
    for (const handler of prod.handlers) {
      const { Properties: fn } = prod.functionResource(handler);
      expect(fn, handler).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        TracingConfig: { Mode: 'Active' },
      });
      const logGroupId = fn.LoggingConfig.LogGroup.Ref as string;
      expect(prod.json.Resources[logGroupId]?.Properties?.RetentionInDays, handler).toBe(STAGES.prod.logRetention);
    }
  });

  it('gives each every variable its environment schema requires, and none the schema does not read', () => {
    for (const [inspected, handler] of [prod, dev].flatMap((i) => i.handlers.map((h) => [i, h] as const))) {
      const schema = ENV_SCHEMAS[handler] as z.ZodMiniObject;
      const variables = Object.keys(inspected.functionResource(handler).Properties.Environment.Variables);
      const required = Object.entries(schema.shape)
        .filter(([, field]) => !(field as z.ZodMiniType).safeParse(undefined).success)
        .map(([name]) => name);
      expect(variables, handler).toEqual(expect.arrayContaining([...required, ...SHARED_VARIABLES]));
      expect(
        variables.filter((name) => !(name in schema.shape) && !SHARED_VARIABLES.includes(name)),
        handler,
      ).toEqual([]);
    }
  });

  it('sets the Powertools settings that keep phone numbers out of logs and traces', () => {
    expect(prod.functionResource('dialer').Properties.Environment.Variables).toMatchObject({
      POWERTOOLS_SERVICE_NAME: 'outbound-calls',
      POWERTOOLS_LOG_LEVEL: STAGES.prod.logLevel,
      POWERTOOLS_LOGGER_LOG_EVENT: 'false',
      POWERTOOLS_TRACER_CAPTURE_RESPONSE: 'false',
    });
  });

  it('names the resources the variables point at', () => {
    const [tableId] = prod.onlyOne('AWS::DynamoDB::Table');
    const [groupId, group] = prod.onlyOne('AWS::Scheduler::ScheduleGroup');
    const [secretId] = prod.onlyOne('AWS::SecretsManager::Secret');
    const [apiId] = prod.onlyOne('AWS::ApiGatewayV2::Api');
    const queueId = (name: string) =>
      resourcesOfType(prod.json, 'AWS::SQS::Queue').find(([id]) => id.startsWith(`Dispatch${name}`))?.[0];
    const apiEndpoint = { 'Fn::GetAtt': [apiId, 'ApiEndpoint'] };
    expect(groupId).toBeDefined();
    expect(prod.functionResource('telephony-webhooks').Properties.Environment.Variables).toEqual(
      expect.objectContaining({
        TABLE_NAME: { Ref: tableId },
        DIAL_QUEUE_URL: { Ref: queueId('DialQueue') },
        DIAL_QUEUE_ARN: { 'Fn::GetAtt': [queueId('DialQueue'), 'Arn'] },
        SCHEDULER_DLQ_ARN: { 'Fn::GetAtt': [queueId('SchedulerDeadLetterQueue'), 'Arn'] },
        SCHEDULE_GROUP_NAME: group.Properties?.Name,
        SCHEDULER_ROLE_ARN: { 'Fn::GetAtt': [expect.stringMatching(/^DispatchSchedulerRole/), 'Arn'] },
        TELEPHONY_SECRET_ARN: { Ref: secretId },
        TELEPHONY_WEBHOOK_BASE_URL: apiEndpoint,
        AGENT_STREAM_URL,
      }),
    );
    const [devApiId] = dev.onlyOne('AWS::ApiGatewayV2::Api');
    expect(dev.functionResource('telephony-webhooks').Properties.Environment.Variables.SIMULATOR_API_BASE_URL).toEqual({
      'Fn::Join': ['', [{ 'Fn::GetAtt': [devApiId, 'ApiEndpoint'] }, '/simulator']],
    });
  });
});

describe('data', () => {
  it('is one on-demand table with the keys, every index of the table design, TTL and a stream', () => {
    const [, table] = prod.onlyOne('AWS::DynamoDB::Table');
    expect(table.Properties).toMatchObject({
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [
        { AttributeName: TABLE.partitionKey, KeyType: 'HASH' },
        { AttributeName: TABLE.sortKey, KeyType: 'RANGE' },
      ],
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      TimeToLiveSpecification: { AttributeName: TABLE.ttlAttribute, Enabled: true },
      StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
    });
    const declared = table.Properties?.GlobalSecondaryIndexes as Array<{
      IndexName: string;
      KeySchema: Array<{ AttributeName: string }>;
      Projection: unknown;
    }>;
    const indexes = Object.fromEntries(
      declared.map((index) => [
        index.IndexName,
        {
          partitionKey: index.KeySchema[0]?.AttributeName,
          sortKey: index.KeySchema[1]?.AttributeName,
          projection: index.Projection,
        },
      ]),
    );
    expect(Object.keys(indexes)).toContain('byWatchdog');
    expect(indexes).toEqual(
      Object.fromEntries(
        Object.entries(ALL_INDEXES).map(([name, index]) => [name, { ...index, projection: { ProjectionType: 'ALL' } }]),
      ),
    );
  });

  it('keeps the table in prod (RETAIN and deletion protection) but not in dev', () => {
    const [, prodTable] = prod.onlyOne('AWS::DynamoDB::Table');
    expect(prodTable).toMatchObject({
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: { DeletionProtectionEnabled: true },
    });
    const [, devTable] = dev.onlyOne('AWS::DynamoDB::Table');
    expect(devTable).toMatchObject({ DeletionPolicy: 'Delete', Properties: { DeletionProtectionEnabled: false } });
    expect(prod.onlyOne('AWS::SecretsManager::Secret')[1].DeletionPolicy).toBe('Retain');
    expect(dev.onlyOne('AWS::SecretsManager::Secret')[1].DeletionPolicy).toBe('Delete');
  });
});

describe('dispatch', () => {
  const queues = () =>
    Object.fromEntries(
      resourcesOfType(prod.json, 'AWS::SQS::Queue').map(([id, queue]) => [
        id.replace(/^Dispatch|[0-9A-F]{8}$/g, ''),
        { id, queue },
      ]),
    );

  it('encrypts every queue and refuses requests without TLS', () => {
    expect(Object.keys(queues()).sort()).toEqual([
      'DialDeadLetterQueue',
      'DialQueue',
      'SchedulerDeadLetterQueue',
      'WebhooksDeliveryDeadLetterQueue',
      'WebhooksDeliveryQueue',
      'WebhooksStreamFailureQueue',
    ]);
    for (const { id, queue } of Object.values(queues())) {
      expect(queue.Properties?.SqsManagedSseEnabled, id).toBe(true);
      prod.template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: id }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          ]),
        },
      });
    }
  });

  it('hides a dial message for at least six times the dialer timeout, and parks it in a dead-letter queue', () => {
    const { DialQueue, DialDeadLetterQueue } = queues();
    const dialerTimeout = prod.functionResource('dialer').Properties.Timeout as number;
    expect(DialQueue?.queue.Properties?.VisibilityTimeout).toBeGreaterThanOrEqual(6 * dialerTimeout);
    // The reconciler resends a campaign's contacts' work only after a page the queue holds would be back.
    expect(CONTACTS_GRACE_MS / 1000).toBeGreaterThan(DialQueue?.queue.Properties?.VisibilityTimeout as number);
    expect(DialQueue?.queue.Properties?.RedrivePolicy).toEqual({
      deadLetterTargetArn: { 'Fn::GetAtt': [DialDeadLetterQueue?.id, 'Arn'] },
      maxReceiveCount: expect.any(Number),
    });
  });

  it('feeds the dialer with partial batch failures and a maximum concurrency', () => {
    const mapping = prod.mappingOf('dialer');
    expect(mapping?.Properties).toMatchObject({
      FunctionName: { Ref: prod.logicalId('dialer') },
      EventSourceArn: { 'Fn::GetAtt': [queues().DialQueue?.id, 'Arn'] },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: STAGES.prod.dialerMaxConcurrency },
    });
  });

  it("lets EventBridge Scheduler's role (trusting only the Scheduler of this account) send only to the dial queue and its dead-letter queue", () => {
    const [roleId, role] =
      resourcesOfType(prod.json, 'AWS::IAM::Role').find(([id]) => id.startsWith('DispatchSchedulerRole')) ?? [];
    expect(role?.Properties?.AssumeRolePolicyDocument.Statement).toEqual([
      {
        Effect: 'Allow',
        Action: 'sts:AssumeRole',
        Principal: { Service: 'scheduler.amazonaws.com' },
        Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
      },
    ]);
    const { DialQueue, SchedulerDeadLetterQueue } = queues();
    expect(prod.statementsOfRole(roleId as string)).toEqual([
      {
        Effect: 'Allow',
        Action: 'sqs:SendMessage',
        Resource: [{ 'Fn::GetAtt': [DialQueue?.id, 'Arn'] }, { 'Fn::GetAtt': [SchedulerDeadLetterQueue?.id, 'Arn'] }],
      },
    ]);
  });

  it('lets only the functions that schedule calls pass that role, only to the Scheduler, and manage schedules only in the group', () => {
    expect(prod.handlersAllowed('iam:PassRole')).toEqual([...SCHEDULING_FUNCTIONS].sort());
    expect(prod.handlersAllowed('scheduler:CreateSchedule')).toEqual([...SCHEDULING_FUNCTIONS].sort());
    const [, group] = prod.onlyOne('AWS::Scheduler::ScheduleGroup');
    for (const handler of SCHEDULING_FUNCTIONS) {
      const statements = prod.statementsOf(handler);
      expect(
        statements.find((s) => s.Action === 'iam:PassRole'),
        handler,
      ).toEqual({
        Effect: 'Allow',
        Action: 'iam:PassRole',
        Resource: { 'Fn::GetAtt': [expect.stringMatching(/^DispatchSchedulerRole/), 'Arn'] },
        Condition: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
      });
      const scheduling = statements.find((s) => list(s.Action).includes('scheduler:CreateSchedule'));
      expect(list(scheduling?.Action ?? []).sort(), handler).toEqual([
        'scheduler:CreateSchedule',
        'scheduler:DeleteSchedule',
        'scheduler:GetSchedule',
      ]);
      expect(JSON.stringify(scheduling?.Resource)).toContain(`:schedule/${group.Properties?.Name}/*`);
    }
  });

  it('lets only the functions that send calls on their way send to the dial queue', () => {
    expect(prod.handlersAllowedOn('sqs:SendMessage', queues().DialQueue?.id as string)).toEqual(
      [...DIAL_QUEUE_SENDERS].sort(),
    );
  });

  it('runs the reconciler every minute', () => {
    const [, rule] = prod.onlyOne('AWS::Events::Rule');
    expect(rule.Properties).toMatchObject({
      ScheduleExpression: 'rate(1 minute)',
      Targets: [expect.objectContaining({ Arn: { 'Fn::GetAtt': [prod.logicalId('reconciler'), 'Arn'] } })],
    });
  });

  it('keeps the provider credentials in a secret with generated simulator credentials, readable only where needed', () => {
    for (const inspected of [prod, dev]) {
      const readers = inspected.handlers.includes(SIMULATOR) ? [...SECRET_READERS, SIMULATOR] : SECRET_READERS;
      const [secretId, secret] = inspected.onlyOne('AWS::SecretsManager::Secret');
      const generate = secret.Properties?.GenerateSecretString;
      expect(generate.GenerateStringKey).toBe('simulatorAuthToken');
      const template = JSON.stringify(generate.SecretStringTemplate);
      for (const key of ['twilioAccountSid', 'twilioAuthToken', 'simulatorAccountSid']) expect(template).toContain(key);
      expect(inspected.handlersAllowed('secretsmanager:GetSecretValue')).toEqual([...readers].sort());
      for (const handler of readers) {
        const read = inspected
          .statementsOf(handler)
          .find((s) => list(s.Action).includes('secretsmanager:GetSecretValue'));
        expect(read?.Resource, handler).toEqual({ Ref: secretId });
      }
    }
  });

  it('lets the carrier simulator invoke itself, where it is deployed, and nothing else invoke functions', () => {
    expect(dev.handlersAllowed('lambda:InvokeFunction')).toEqual([SIMULATOR]);
    const invoke = dev.statementsOf(SIMULATOR).find((s) => s.Action === 'lambda:InvokeFunction');
    expect(invoke?.Resource).toEqual({ 'Fn::GetAtt': [dev.logicalId(SIMULATOR), 'Arn'] });
    expect(prod.handlersAllowed('lambda:InvokeFunction')).toEqual([]);
  });
});

describe('customer webhooks', () => {
  const queueId = (name: string) =>
    resourcesOfType(prod.json, 'AWS::SQS::Queue').find(([id]) => id.startsWith(name))?.[0] as string;

  it('feeds the events function from the table stream: calls only, bisecting failures, failed batches parked', () => {
    const mapping = prod.mappingOf('events-stream');
    expect(mapping?.Properties).toMatchObject({
      StartingPosition: 'TRIM_HORIZON',
      BisectBatchOnFunctionError: true,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      DestinationConfig: {
        OnFailure: { Destination: { 'Fn::GetAtt': [queueId('WebhooksStreamFailureQueue'), 'Arn'] } },
      },
      FilterCriteria: {
        Filters: [{ Pattern: JSON.stringify({ dynamodb: { Keys: { pk: { S: [{ prefix: 'CALL#' }] } } } }) }],
      },
    });
    expect(JSON.stringify(mapping?.Properties?.EventSourceArn)).toContain('StreamArn');
  });

  it('feeds the delivery function from the delivery queue, which parks in its dead-letter queue', () => {
    const mapping = prod.mappingOf('webhook-delivery');
    expect(mapping?.Properties).toMatchObject({
      EventSourceArn: { 'Fn::GetAtt': [queueId('WebhooksDeliveryQueue'), 'Arn'] },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    const [, queue] =
      resourcesOfType(prod.json, 'AWS::SQS::Queue').find(([id]) => id.startsWith('WebhooksDeliveryQueue')) ?? [];
    const timeout = prod.functionResource('webhook-delivery').Properties.Timeout as number;
    expect(queue?.Properties?.VisibilityTimeout).toBeGreaterThanOrEqual(6 * timeout);
    expect(queue?.Properties?.RedrivePolicy.deadLetterTargetArn).toEqual({
      'Fn::GetAtt': [queueId('WebhooksDeliveryDeadLetterQueue'), 'Arn'],
    });
  });

  it('lets only the webhook functions queue deliveries, and only the events function publish to the bus', () => {
    expect(prod.handlersAllowedOn('sqs:SendMessage', queueId('WebhooksDeliveryQueue'))).toEqual([
      'events-stream',
      'webhook-delivery',
      'webhook-endpoints',
    ]);
    expect(prod.handlersAllowed('events:PutEvents')).toEqual(['events-stream']);
    const [busId] = prod.onlyOne('AWS::Events::EventBus');
    const publish = prod.statementsOf('events-stream').find((s) => s.Action === 'events:PutEvents');
    expect(publish?.Resource).toEqual({ 'Fn::GetAtt': [busId, 'Arn'] });
  });
});

describe('least privilege', () => {
  it('names specific resources and actions in every identity policy statement ("*" only for X-Ray, which has no resources)', () => {
    const statements = [
      ...resourcesOfType(prod.json, 'AWS::IAM::Policy').flatMap(
        ([, p]) => p.Properties?.PolicyDocument.Statement as Statement[],
      ),
      ...resourcesOfType(prod.json, 'AWS::IAM::Role').flatMap(([, r]) =>
        (r.Properties?.Policies ?? []).flatMap(
          (p: { PolicyDocument: { Statement: Statement[] } }) => p.PolicyDocument.Statement,
        ),
      ),
    ];
    expect(statements.length).toBeGreaterThan(0);
    for (const statement of statements) {
      const actions = list(statement.Action);
      for (const action of actions) expect(action).toMatch(/^[a-z0-9-]+:[A-Za-z]+$/);
      if (list(statement.Resource).includes('*'))
        expect(
          actions.every((action) => ACTIONS_WITHOUT_RESOURCES.has(action)),
          JSON.stringify(statement),
        ).toBe(true);
    }
    expect(resourcesOfType(prod.json, 'AWS::IAM::Role').every(([, role]) => !role.Properties?.ManagedPolicyArns)).toBe(
      true,
    );
  });

  it('gives write access to the table only to the functions that write', () => {
    expect(dev.handlersAllowed('dynamodb:PutItem')).toEqual(
      [
        'campaigns',
        'cancel-call',
        'carrier-simulator',
        'create-call',
        'dialer',
        'events-stream',
        'list-calls',
        'reconciler',
        'suppressions',
        'telephony-webhooks',
        'update-call',
        'webhook-delivery',
        'webhook-endpoints',
      ].sort(),
    );
    expect(prod.handlersAllowed('dynamodb:Query')).not.toContain(DEFAULT_ROUTE_HANDLER);
    // list-calls writes only page starts: its one PutItem is held to their partition keys.
    const listWrites = dev
      .statementsOf('list-calls')
      .filter((statement) => list(statement.Action).includes('dynamodb:PutItem'));
    expect(listWrites.map((statement) => [list(statement.Action), statement.Condition])).toEqual([
      [['dynamodb:PutItem'], { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['PAGESTART#*'] } }],
    ]);
  });

  it('gives route-not-found and openapi-document nothing but their own logs and traces', () => {
    for (const handler of [DEFAULT_ROUTE_HANDLER, 'openapi-document']) {
      const actions = prod.statementsOf(handler).flatMap((s) => list(s.Action));
      expect(actions.sort(), handler).toEqual([
        'logs:CreateLogStream',
        'logs:PutLogEvents',
        'xray:PutTelemetryRecords',
        'xray:PutTraceSegments',
      ]);
    }
  });
});

describe('operations', () => {
  const alarms = (template: Template) =>
    Object.values(template.findResources('AWS::CloudWatch::Alarm')).map((a) => a.Properties as Record<string, any>);

  it('alarms on the depth of every dead-letter queue', () => {
    const deadLetterQueues = resourcesOfType(prod.json, 'AWS::SQS::Queue').filter(
      ([id]) => id.includes('DeadLetterQueue') || id.includes('FailureQueue'),
    );
    expect(deadLetterQueues).toHaveLength(4);
    for (const [id] of deadLetterQueues) {
      expect(alarms(prod.template)).toContainEqual(
        expect.objectContaining({
          MetricName: 'ApproximateNumberOfMessagesVisible',
          Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [id, 'QueueName'] } }],
          ComparisonOperator: 'GreaterThanThreshold',
          Threshold: 0,
        }),
      );
    }
  });

  it("alarms on each function's errors and throttles", () => {
    for (const handler of prod.handlers) {
      const ofFunction = alarms(prod.template).filter(
        (a) =>
          JSON.stringify(a.Dimensions) ===
          JSON.stringify([{ Name: 'FunctionName', Value: { Ref: prod.logicalId(handler) } }]),
      );
      expect(ofFunction.map((a) => a.MetricName).sort(), handler).toEqual(['Errors', 'Throttles']);
      expect(ofFunction.find((a) => a.MetricName === 'Errors')?.Threshold).toBe(STAGES.prod.alarms.functionErrors);
    }
  });

  it("alarms on the API's 5xx rate and the age of the oldest dial message", () => {
    const fiveXx = alarms(prod.template).find((a) => JSON.stringify(a.Metrics ?? []).includes('"5xx"'));
    expect(fiveXx?.Threshold).toBe(STAGES.prod.alarms.api5xxPercent);
    expect(fiveXx?.Metrics[0].Expression).toContain('100 * errors / requests');
    const age = alarms(prod.template).find((a) => a.MetricName === 'ApproximateAgeOfOldestMessage');
    expect(age?.Threshold).toBe(STAGES.prod.alarms.oldestDialMessage.toSeconds());
  });

  it('sends every alarm to the alarm topic, and has a dashboard', () => {
    const [topicId] = prod.onlyOne('AWS::SNS::Topic');
    for (const alarm of alarms(prod.template)) expect(alarm.AlarmActions).toEqual([{ Ref: topicId }]);
    prod.template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    expect(resourcesOfType(prod.json, 'AWS::SNS::Subscription')).toHaveLength(0);
    const withEmail = inspect(buildStack('dev', { alarmEmail: 'oncall@example.com' }).stack, handlersOf(STAGES.dev));
    withEmail.template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'oncall@example.com',
    });
  });

  it('outputs the API URL, the table name and the queue URLs', () => {
    for (const output of [
      'ApiUrl',
      'TableName',
      'DialQueueUrl',
      'DialDeadLetterQueueUrl',
      'SchedulerDeadLetterQueueUrl',
      'TelephonySecretArn',
    ]) {
      prod.template.hasOutput(output, {});
    }
  });
});

describe('stages', () => {
  it('takes every difference between dev and prod from the stage config', () => {
    for (const [stage, inspected] of [
      ['dev', dev],
      ['prod', prod],
    ] as const) {
      const config = STAGES[stage];
      const [, stageResource] = inspected.onlyOne('AWS::ApiGatewayV2::Stage');
      expect(stageResource.Properties?.DefaultRouteSettings).toEqual({
        ThrottlingRateLimit: config.apiThrottle.rateLimit,
        ThrottlingBurstLimit: config.apiThrottle.burstLimit,
      });
      const retentions = new Set(
        resourcesOfType(inspected.json, 'AWS::Logs::LogGroup').map(([, g]) => g.Properties?.RetentionInDays),
      );
      expect([...retentions]).toEqual([config.logRetention]);
      expect(inspected.functionResource('dialer').Properties.Environment.Variables.POWERTOOLS_LOG_LEVEL).toBe(
        config.logLevel,
      );
      expect(inspected.mappingOf('dialer')?.Properties?.ScalingConfig.MaximumConcurrency).toBe(
        config.dialerMaxConcurrency,
      );
      expect(inspected.mappingOf('webhook-delivery')?.Properties?.ScalingConfig.MaximumConcurrency).toBe(
        config.webhookDeliveryMaxConcurrency,
      );
    }
    expect(STAGES.dev.removalPolicy).not.toBe(STAGES.prod.removalPolicy);
  });

  it('deploys the carrier simulator only where the stage asks for it: dev, not prod unless -c carrierSimulator=true', () => {
    expect(STAGES.dev.carrierSimulator).toBe(true);
    expect(STAGES.prod.carrierSimulator).toBe(false);
    const prodWithSimulator = inspect(
      buildStack('prod', { stage: PROD_WITH_SIMULATOR }).stack,
      handlersOf(PROD_WITH_SIMULATOR),
    );
    for (const [inspected, deployed] of [
      [prod, false],
      [dev, true],
      [prodWithSimulator, true],
    ] as const) {
      const routeKeys = resourcesOfType(inspected.json, 'AWS::ApiGatewayV2::Route').map(
        ([, route]) => route.Properties?.RouteKey as string,
      );
      expect(routeKeys.filter((key) => key.includes('/simulator/'))).toHaveLength(deployed ? 2 : 0);
      const descriptions = resourcesOfType(inspected.json, 'AWS::Lambda::Function').map(
        ([, fn]) => fn.Properties?.Description,
      );
      expect(descriptions.includes(`outbound-calls ${SIMULATOR}`)).toBe(deployed);
      // Test keys' calls are sent to the simulator only where there is one: no function is told of a missing one.
      // create-call refuses test keys' calls without it (422 test_calls_unavailable).
      for (const handler of ['create-call', 'dialer', 'reconciler', 'telephony-webhooks']) {
        expect(
          'SIMULATOR_API_BASE_URL' in inspected.functionResource(handler).Properties.Environment.Variables,
          handler,
        ).toBe(deployed);
      }
      expect(inspected.handlersAllowed('lambda:InvokeFunction')).toEqual(deployed ? [SIMULATOR] : []);
    }
  });

  it('has no dependency cycle (functions need the API URL, the API needs the functions)', () => {
    expect(findCycle(prod.json)).toBeNull();
    expect(findCycle(dev.json)).toBeNull();
  });
});
