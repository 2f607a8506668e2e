import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';

export type StageName = 'dev' | 'prod';

/** An API Gateway token bucket: steady requests per second, and the burst it may absorb at once. */
export interface Throttle {
  rateLimit: number;
  burstLimit: number;
}

/**
 * The handlers behind the routes that take no API key (functions/handlers/routes.ts), and route-not-found
 * behind `$default`. Each of their routes gets its own throttle (ServiceApi).
 */
export type PublicHandler = 'telephony-webhooks' | 'carrier-simulator' | 'openapi-document' | 'route-not-found';

/** Everything that differs between stages, and nothing else: the rest of the stack is the same. */
export interface StageConfig {
  name: StageName;
  /** What `cdk destroy` does to the table, the telephony secret and the log groups. */
  removalPolicy: RemovalPolicy;
  /** DynamoDB deletion protection: the table cannot be deleted, even by CloudFormation, while on. */
  deletionProtection: boolean;
  logRetention: RetentionDays;
  /** POWERTOOLS_LOG_LEVEL of every function. */
  logLevel: 'DEBUG' | 'INFO' | 'WARN';
  /** API Gateway stage throttling: the limit of every route that has none of its own below. */
  apiThrottle: Throttle;
  /**
   * Each route without an API key gets its own, smaller limit (API Gateway stage RouteSettings,
   * https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-throttling.html), so
   * that a flood of anonymous requests is refused with 429 on its own route while it can take
   * only a bounded share of what every route shares: the account's API Gateway request budget
   * and its Lambda concurrency. Twilio's callbacks need room: about six requests per call
   * (answer, four status callbacks, stream end), so at least 6 × PROVIDER_CALLS_PER_SECOND.
   */
  publicRouteThrottles: Record<PublicHandler, Throttle>;
  /**
   * Deploys the carrier simulator (route /simulator/{proxy+}, function carrier-simulator), which
   * test keys' calls go to. Without it no function is given its URL: creating a call with a test
   * key is refused (422 test_calls_unavailable), and a test call already waiting fails with
   * `provider_error` (docs/deploy.md). Overridden with `-c carrierSimulator=true|false`.
   */
  carrierSimulator: boolean;
  /** Dialer instances reading the dial queue at most; the telephony CPS limit is the real pace. */
  dialerMaxConcurrency: number;
  /**
   * Webhook-delivery instances reading the delivery queue at most (2 to 1,000, the SQS event
   * source's bounds): how many customer endpoints are POSTed to at once.
   */
  webhookDeliveryMaxConcurrency: number;
  alarms: {
    /** Errors of one function within five minutes that raise its alarm. */
    functionErrors: number;
    /** Share of API requests answered with a 5xx within five minutes, in percent. */
    api5xxPercent: number;
    /** Age of the oldest dial message: calls are waiting longer than this for a dialer. */
    oldestDialMessage: Duration;
    /** p90 of DispatchLag (due time to dial) over five minutes, twice in a row: calls go out late. */
    dispatchLagP90: Duration;
    /** Share of calls ending `failed` among all calls that ended, over fifteen minutes, in percent. */
    callFailurePercent: number;
    /** Share of webhook delivery attempts that failed or were parked, over fifteen minutes, in percent. */
    webhookFailurePercent: number;
  };
}

export const STAGES: Record<StageName, StageConfig> = {
  dev: {
    name: 'dev',
    removalPolicy: RemovalPolicy.DESTROY,
    deletionProtection: false,
    logRetention: RetentionDays.ONE_WEEK,
    logLevel: 'DEBUG',
    apiThrottle: { rateLimit: 20, burstLimit: 40 },
    publicRouteThrottles: {
      'telephony-webhooks': { rateLimit: 10, burstLimit: 20 },
      'carrier-simulator': { rateLimit: 5, burstLimit: 10 },
      'openapi-document': { rateLimit: 2, burstLimit: 5 },
      'route-not-found': { rateLimit: 2, burstLimit: 5 },
    },
    carrierSimulator: true,
    dialerMaxConcurrency: 2,
    webhookDeliveryMaxConcurrency: 2,
    alarms: {
      functionErrors: 5,
      api5xxPercent: 5,
      oldestDialMessage: Duration.minutes(15),
      dispatchLagP90: Duration.minutes(5),
      callFailurePercent: 25,
      webhookFailurePercent: 50,
    },
  },
  prod: {
    name: 'prod',
    removalPolicy: RemovalPolicy.RETAIN,
    deletionProtection: true,
    logRetention: RetentionDays.THREE_MONTHS,
    logLevel: 'INFO',
    apiThrottle: { rateLimit: 200, burstLimit: 400 },
    publicRouteThrottles: {
      'telephony-webhooks': { rateLimit: 50, burstLimit: 100 },
      'carrier-simulator': { rateLimit: 10, burstLimit: 20 },
      'openapi-document': { rateLimit: 5, burstLimit: 10 },
      'route-not-found': { rateLimit: 5, burstLimit: 10 },
    },
    carrierSimulator: false,
    dialerMaxConcurrency: 10,
    webhookDeliveryMaxConcurrency: 10,
    alarms: {
      functionErrors: 1,
      api5xxPercent: 1,
      oldestDialMessage: Duration.minutes(5),
      dispatchLagP90: Duration.minutes(2),
      callFailurePercent: 10,
      webhookFailurePercent: 20,
    },
  },
};

export function stageConfig(name: unknown): StageConfig {
  if (name === 'dev' || name === 'prod') return STAGES[name];
  throw new Error(`Unknown stage ${JSON.stringify(name)}: pass -c stage=dev or -c stage=prod.`);
}
