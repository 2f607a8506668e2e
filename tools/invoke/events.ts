import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { marshall } from '@aws-sdk/util-dynamodb';
import { newCall } from '#domain/call';
import { toCallItem } from '#adapters/dynamodb/call-items';
import { DEMO } from '../../local/demo-data.ts';

/**
 * The event files of `npm run invoke` and `sam local invoke` (events/<function>.json), one per
 * function, shaped as AWS delivers them: HTTP API payload 2.0 with the authorizer's context as the
 * authorizer produces it (`requestContext.authorizer.lambda`: the demo account's caller), the
 * authorizer's own REQUEST event, SQS batches of a dial message and of a webhook delivery, a DynamoDB
 * stream batch of a call item, the reconciler's EventBridge schedule event, and a telephony
 * callback whose X-Twilio-Signature `npm run invoke` computes (it depends on the stack's URL).
 * `npx tsx tools/invoke/events.ts` writes them again.
 */
export const EVENTS_DIR = fileURLToPath(new URL('../../events/', import.meta.url));

/** Marks a telephony event's signature header: `npm run invoke` signs it for the running stack. */
export const SIGN_WHEN_INVOKED = 'signed-by-npm-run-invoke';

const TIME = '2030-06-17T09:00:00Z';
const EPOCH = Date.parse(TIME);
const CALL_ID = 'obc_01M8EHKFKGWDY2XBPKECRRF86P';
const CALLER = { accountId: DEMO.accountId, keyMode: 'test', keyId: 'key_local_demo' };

function http(
  method: string,
  path: string,
  options: {
    routePath?: string;
    body?: unknown;
    query?: string;
    pathParameters?: Record<string, string>;
    authorized?: boolean;
    headers?: Record<string, string>;
  } = {},
) {
  const routeKey = `${method} ${options.routePath ?? path}`;
  const body =
    options.body === undefined
      ? undefined
      : typeof options.body === 'string'
        ? options.body
        : JSON.stringify(options.body);
  return {
    version: '2.0',
    routeKey,
    rawPath: path,
    rawQueryString: options.query ?? '',
    headers: {
      host: 'localhost:3000',
      'user-agent': 'curl/8.5.0',
      ...(options.authorized === false ? {} : { authorization: `Bearer ${DEMO.apiKey}` }),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...options.headers,
    },
    ...(options.query ? { queryStringParameters: Object.fromEntries(new URLSearchParams(options.query)) } : {}),
    ...(options.pathParameters ? { pathParameters: options.pathParameters } : {}),
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      ...(options.authorized === false ? {} : { authorizer: { lambda: CALLER } }),
      domainName: 'localhost',
      domainPrefix: 'localhost',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'curl/8.5.0' },
      requestId: 'local-request-id',
      routeKey,
      stage: '$default',
      time: new Date(EPOCH).toUTCString(),
      timeEpoch: EPOCH,
    },
    ...(body === undefined ? {} : { body }),
    isBase64Encoded: false,
  };
}

const sqs = (queue: string, bodies: unknown[]) => ({
  Records: bodies.map((body, index) => ({
    messageId: `00000000-0000-4000-8000-00000000000${index}`,
    receiptHandle: 'local',
    body: JSON.stringify(body),
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: String(EPOCH),
      SenderId: 'local',
      ApproximateFirstReceiveTimestamp: String(EPOCH),
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: `arn:aws:sqs:us-east-1:000000000000:${queue}`,
    awsRegion: 'us-east-1',
  })),
});

function streamBatch() {
  const call = newCall(
    {
      id: CALL_ID,
      accountId: DEMO.accountId,
      keyMode: 'test',
      agentId: DEMO.agents[0].id,
      fromNumber: '+14155550123',
      toNumber: '+15005550100',
      scheduledFor: null,
      metadata: { customerId: 'cust_12345' },
      maxRetries: 0,
      retryDelayMinutes: 15,
      overrideFirstMessage: null,
    },
    new Date(EPOCH),
  );
  const item = marshall(toCallItem(call), { removeUndefinedValues: true });
  return {
    Records: [
      {
        eventID: '1',
        eventName: 'INSERT',
        eventVersion: '1.1',
        eventSource: 'aws:dynamodb',
        awsRegion: 'us-east-1',
        dynamodb: {
          ApproximateCreationDateTime: EPOCH / 1000,
          Keys: { pk: item.pk, sk: item.sk },
          NewImage: item,
          SequenceNumber: '100000000000000000001',
          SizeBytes: 512,
          StreamViewType: 'NEW_AND_OLD_IMAGES',
        },
        eventSourceARN:
          'arn:aws:dynamodb:us-east-1:000000000000:table/outbound-calls-local/stream/2030-06-17T09:00:00.000',
      },
    ],
  };
}

/** The authorizer's REQUEST event (payload 2.0): the request before any authorizer context. */
function authorizerEvent() {
  const { isBase64Encoded: _encoded, requestContext, ...request } = http('GET', '/api/v1/outbound-calls');
  const { authorizer: _none, ...context } = requestContext;
  return {
    ...request,
    type: 'REQUEST',
    routeArn: 'arn:aws:execute-api:us-east-1:000000000000:local/$default/GET/api/v1/outbound-calls',
    identitySource: [`Bearer ${DEMO.apiKey}`],
    requestContext: context,
  };
}

export function buildEvents(): Record<string, unknown> {
  const callPath = `/api/v1/outbound-calls/${CALL_ID}`;
  return {
    'create-call': http('POST', '/api/v1/outbound-calls', {
      body: { agentId: DEMO.agents[0].id, toNumber: '+15005550100', metadata: { customerId: 'cust_12345' } },
      headers: { 'idempotency-key': 'events-create-call' },
    }),
    'list-calls': http('GET', '/api/v1/outbound-calls', { query: 'status=completed&pageSize=5' }),
    'get-call': http('GET', callPath, {
      routePath: '/api/v1/outbound-calls/{callId}',
      pathParameters: { callId: CALL_ID },
    }),
    'cancel-call': http('POST', `${callPath}/cancel`, {
      routePath: '/api/v1/outbound-calls/{callId}/cancel',
      pathParameters: { callId: CALL_ID },
    }),
    'update-call': http('PATCH', callPath, {
      routePath: '/api/v1/outbound-calls/{callId}',
      pathParameters: { callId: CALL_ID },
      body: { scheduledFor: '2031-06-17T09:00:00Z' },
    }),
    campaigns: http('GET', '/api/v1/campaigns', { query: 'pageSize=5' }),
    suppressions: http('GET', '/api/v1/suppressions', { query: 'pageSize=5' }),
    'webhook-endpoints': http('GET', '/api/v1/webhooks'),
    'openapi-document': http('GET', '/api/v1/openapi.json', { authorized: false }),
    'route-not-found': http('GET', '/api/v1/nothing-here', { routePath: '$default' }),
    authorizer: authorizerEvent(),
    dialer: sqs('outbound-calls-local-dial', [
      { callId: CALL_ID, accountId: DEMO.accountId, attempt: 1, dueAt: TIME, waits: 0 },
    ]),
    'webhook-delivery': sqs('outbound-calls-local-webhook-delivery', [
      {
        accountId: DEMO.accountId,
        endpointId: 'whk_01M8EHKFKGWDY2XBPKECRRF86P',
        event: {
          id: 'evt_01M8EHKFKGWDY2XBPKECRRF86P',
          type: 'SessionEnded',
          createdAt: TIME,
          data: { previousStatus: 'in_progress', call: { id: CALL_ID, status: 'completed' } },
        },
        attempt: 1,
        firstAttemptAt: TIME,
        chainId: 'chain-local',
      },
    ]),
    'events-stream': streamBatch(),
    reconciler: {
      version: '0',
      id: '00000000-0000-4000-8000-000000000000',
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      account: '000000000000',
      time: TIME,
      region: 'us-east-1',
      resources: ['arn:aws:events:us-east-1:000000000000:rule/outbound-calls-reconciler'],
      detail: {},
    },
    'telephony-webhooks': http('POST', '/telephony/twilio/status', {
      authorized: false,
      query: `callId=${CALL_ID}&attempt=1`,
      body: new URLSearchParams({
        AccountSid: `AC${'10ca1'.padEnd(32, '0')}`,
        CallSid: `CA${'0'.repeat(32)}`,
        CallStatus: 'completed',
        CallDuration: '8',
        Timestamp: new Date(EPOCH).toUTCString(),
      }).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': SIGN_WHEN_INVOKED },
    }),
    'carrier-simulator': http(
      'GET',
      `/simulator/2010-04-01/Accounts/AC${'10ca1'.padEnd(32, '0')}/Calls/CA${'0'.repeat(32)}.json`,
      {
        authorized: false,
        routePath: '/simulator/{proxy+}',
        pathParameters: { proxy: `2010-04-01/Accounts/AC${'10ca1'.padEnd(32, '0')}/Calls/CA${'0'.repeat(32)}.json` },
        headers: {
          authorization: `Basic ${Buffer.from(`AC${'10ca1'.padEnd(32, '0')}:local-simulator-auth-token`).toString('base64')}`,
        },
      },
    ),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  mkdirSync(EVENTS_DIR, { recursive: true });
  for (const [name, event] of Object.entries(buildEvents()))
    writeFileSync(join(EVENTS_DIR, `${name}.json`), `${JSON.stringify(event, null, 2)}\n`);
}
