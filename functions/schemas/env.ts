import * as z from 'zod/mini';

const required = z.string().check(z.minLength(1));
const url = z.url();
const positiveInt = (fallback: number) => z._default(z.coerce.number().check(z.int(), z.gt(0)), fallback);
const positiveNumber = (fallback: number) => z._default(z.coerce.number().check(z.gt(0)), fallback);

/**
 * Each function's environment, checked when it starts. The CDK stack types each function's
 * `environment` from the same schemas (z.input), so a missing variable fails compilation.
 */
const table = { TABLE_NAME: required };

const dispatch = {
  /** The SQS dial queue: immediate calls, and every schedule's target. */
  DIAL_QUEUE_URL: url,
  DIAL_QUEUE_ARN: required,
  /** Where EventBridge Scheduler parks a dial message it could not deliver. */
  SCHEDULER_DLQ_ARN: required,
  SCHEDULE_GROUP_NAME: required,
  /** The role EventBridge Scheduler assumes to send to the dial queue. */
  SCHEDULER_ROLE_ARN: required,
  /** Seconds in a "minute" of retryDelayMinutes: 60, except in the local stack's fast test mode. */
  RETRY_DELAY_UNIT_SECONDS: positiveInt(60),
  /**
   * Milliseconds a campaign request (and each page of its background work) spends starting its
   * contacts' calls (use-cases/campaign-contacts.ts, CAMPAIGN_CALLS_BUDGET_MS): 10,000; tests set a few.
   */
  CAMPAIGN_CALLS_BUDGET_MS: z._default(z.coerce.number().check(z.int(), z.gte(0)), 10_000),
};

/**
 * Provider credentials: in AWS, TELEPHONY_SECRET_ARN names a Secrets Manager secret holding JSON
 * {"twilioAccountSid", "twilioAuthToken", "simulatorAccountSid", "simulatorAuthToken"}; locally
 * the four variables below carry the same values. Either way they are never logged.
 */
const credentials = {
  TELEPHONY_SECRET_ARN: z.optional(required),
  TWILIO_ACCOUNT_SID: z.optional(required),
  TWILIO_AUTH_TOKEN: z.optional(required),
  SIMULATOR_ACCOUNT_SID: z.optional(required),
  SIMULATOR_AUTH_TOKEN: z.optional(required),
};

const telephony = {
  /** Public base URL of the telephony webhooks, as the provider reaches them (signatures cover it). */
  TELEPHONY_WEBHOOK_BASE_URL: url,
  /** Twilio's REST API, for calls made with live keys. */
  TWILIO_API_BASE_URL: z._default(url, 'https://api.twilio.com'),
  /**
   * The carrier simulator, which speaks Twilio's protocol: calls made with test keys, always.
   * Absent where the stage deploys no simulator (infra/stacks/stage-config.ts): those calls fail.
   */
  SIMULATOR_API_BASE_URL: z.optional(url),
  ...credentials,
};

const dialing = {
  /** The provider account's calls-per-second limit (Twilio's default is 1). */
  PROVIDER_CALLS_PER_SECOND: positiveNumber(1),
  /** How long a phone may ring before the provider gives up (Twilio `Timeout`). */
  RING_TIMEOUT_SECONDS: positiveInt(30),
  /** Longest a call may last (Twilio `TimeLimit`). */
  MAX_CALL_DURATION_SECONDS: positiveInt(3600),
  /** How long past its expected next step a call waits before the reconciler looks at it. */
  WATCHDOG_GRACE_SECONDS: positiveInt(120),
  /**
   * Calls one page of a campaign's resume or cancel handles (use-cases/campaign-sweeps.ts), and
   * contacts one page of its contacts' calls reads (use-cases/campaign-contacts.ts): 100.
   */
  CAMPAIGN_SWEEP_PAGE_SIZE: positiveInt(100),
};

const flag = z._default(z.stringbool(), false);

const webhooks = {
  /** The SQS queue of webhook deliveries, and where events given up on are parked. */
  DELIVERY_QUEUE_URL: url,
  DELIVERY_DLQ_URL: url,
  /** Lets endpoints be plain http to this machine: the local stack only, never in AWS. */
  WEBHOOK_ALLOW_LOCAL_HTTP: flag,
  WEBHOOK_TIMEOUT_SECONDS: positiveInt(10),
  /** How long failing deliveries are retried before the event is parked: over 24 hours. */
  WEBHOOK_RETRY_WINDOW_SECONDS: positiveInt(90_000),
  /** Scales the delivery backoff (30 s doubling to 15 min); 1 in AWS, a fraction in fast tests. */
  WEBHOOK_BACKOFF_UNIT: positiveNumber(1),
  /**
   * Seconds the events function remembers that an account has no webhook endpoint, so such an
   * account's events cost no lookup; a new endpoint's `activeAt` is this long (and a margin) after
   * it is created (docs/webhooks.md). 0, the default and the local stack's, remembers nothing past
   * the changes already made; the CDK stack sets 60 (infra/constructs/customer-webhooks.ts).
   */
  WEBHOOK_ENDPOINT_CACHE_SECONDS: z._default(z.coerce.number().check(z.int(), z.gte(0), z.lte(3600)), 0),
};

/**
 * Every AWS SDK client's timeouts, per attempt (adapters/aws-client-options.ts). Milliseconds.
 * The SDK has none by default: a connection that hangs would hold the request until the
 * function's own timeout. DynamoDB, SQS, Scheduler and EventBridge answer in tens of
 * milliseconds, so 2 s is a hung attempt, which the SDK retries (its standard retry mode).
 */
export const AwsClientEnvSchema = z.object({
  AWS_SDK_CONNECTION_TIMEOUT_MS: positiveInt(1000),
  AWS_SDK_REQUEST_TIMEOUT_MS: positiveInt(2000),
});
/** The parts each composition root checks (functions/handlers/composition/). */
export const WebhooksEnvSchema = z.object({ ...webhooks });
export const EventBusEnvSchema = z.object({ EVENT_BUS_NAME: required });
export const TableEnvSchema = z.object({ ...table });
export const DispatchEnvSchema = z.object({ ...dispatch });
export const TelephonyEnvSchema = z.object({ ...telephony, ...dialing });
export const AgentRuntimeEnvSchema = z.object({ AGENT_STREAM_URL: url });

export const AuthorizerEnvSchema = z.object({
  ...table,
  /**
   * Seconds an authorizer instance remembers an API key's lookup, found or not (part of how long
   * a revoked key may still work). 0, the default, remembers nothing: the local stack, which
   * has no API Gateway cache either, so a revoke there takes effect at once.
   */
  API_KEY_CACHE_SECONDS: z._default(z.coerce.number().check(z.int(), z.gte(0)), 0),
});
/** get-call and list-calls: they read the table (list-calls also remembers page starts in it). */
export const ReadApiEnvSchema = z.object({ ...table });
/** suppressions: reads and writes the account's suppression list in the table. */
export const SuppressionsApiEnvSchema = z.object({ ...table });
/** route-not-found and openapi-document read no variables. */
export const NoEnvSchema = z.object({});
export const ApiFunctionEnvSchema = z.object({ ...table, ...dispatch });
/** create-call also learns whether the deployment has a carrier simulator: absent, test keys' calls are refused. */
export const CreateCallEnvSchema = z.object({ ...table, ...dispatch, SIMULATOR_API_BASE_URL: z.optional(url) });
/** The dial queue's dead-letter queue: the dialer parks a message it can never handle there itself. */
export const DialDeadLetterEnvSchema = z.object({ DIAL_DLQ_URL: url });
/**
 * DIAL_DLQ_URL is set with the dial queue's event source (CallDispatch.consumeWith), not by a
 * binding the dialer shares with other functions, so it is optional here; the dialer itself
 * requires it (DialDeadLetterEnvSchema) when it starts.
 */
export const DialerEnvSchema = z.object({
  ...table,
  ...dispatch,
  ...telephony,
  ...dialing,
  DIAL_DLQ_URL: z.optional(url),
});
export const TelephonyWebhookEnvSchema = z.object({
  ...table,
  ...dispatch,
  ...telephony,
  ...dialing,
  /** The agent runtime's media stream endpoint that answered calls connect to (wss://…). */
  AGENT_STREAM_URL: url,
});
export const ReconcilerEnvSchema = z.object({ ...table, ...dispatch, ...telephony, ...dialing });
/** The carrier simulator, deployed so test keys work in AWS too; it keeps its calls in the table. */
export const CarrierSimulatorEnvSchema = z.object({
  ...table,
  ...credentials,
  /** Multiplies every simulated delay (ringing, talking); 1 is realistic, tests use less. */
  SIMULATOR_TIME_SCALE: positiveNumber(1),
});

/** The webhook endpoints API. */
export const WebhookApiEnvSchema = z.object({ ...table, ...webhooks });
/**
 * The stream's failure queue (its on-failure destination): the events function parks a record
 * it can never process there itself, as Lambda does with records past their retries.
 */
export const StreamFailureEnvSchema = z.object({ STREAM_FAILURE_QUEUE_URL: url });
/** The table stream's consumer: call changes into events. */
export const EventsStreamEnvSchema = z.object({
  ...table,
  ...webhooks,
  EVENT_BUS_NAME: required,
  ...StreamFailureEnvSchema.shape,
});
/** The delivery queue's consumer. */
export const WebhookDeliveryEnvSchema = z.object({ ...table, ...webhooks });

export type AuthorizerEnv = z.infer<typeof AuthorizerEnvSchema>;
export type ApiFunctionEnv = z.infer<typeof ApiFunctionEnvSchema>;
export type DialerEnv = z.infer<typeof DialerEnvSchema>;
export type TelephonyWebhookEnv = z.infer<typeof TelephonyWebhookEnvSchema>;
export type ReconcilerEnv = z.infer<typeof ReconcilerEnvSchema>;
export type CarrierSimulatorEnv = z.infer<typeof CarrierSimulatorEnvSchema>;

export function parseEnv<S extends z.ZodMiniType>(schema: S, env: Record<string, string | undefined>): z.infer<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const names = result.error.issues.map((issue) => issue.path.join('.')).join(', ');
  throw new Error(`Missing or invalid environment variables: ${names}`);
}
