import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';

export type StageName = 'dev' | 'prod';

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
  /** API Gateway stage throttling for the whole API (steady requests per second, burst). */
  apiThrottle: { rateLimit: number; burstLimit: number };
  /** Dialer instances reading the dial queue at most; the telephony CPS limit is the real pace. */
  dialerMaxConcurrency: number;
  alarms: {
    /** Errors of one function within five minutes that raise its alarm. */
    functionErrors: number;
    /** Share of API requests answered with a 5xx within five minutes, in percent. */
    api5xxPercent: number;
    /** Age of the oldest dial message: calls are waiting longer than this for a dialer. */
    oldestDialMessage: Duration;
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
    dialerMaxConcurrency: 2,
    alarms: { functionErrors: 5, api5xxPercent: 5, oldestDialMessage: Duration.minutes(15) },
  },
  prod: {
    name: 'prod',
    removalPolicy: RemovalPolicy.RETAIN,
    deletionProtection: true,
    logRetention: RetentionDays.THREE_MONTHS,
    logLevel: 'INFO',
    apiThrottle: { rateLimit: 200, burstLimit: 400 },
    dialerMaxConcurrency: 10,
    alarms: { functionErrors: 1, api5xxPercent: 1, oldestDialMessage: Duration.minutes(5) },
  },
};

export function stageConfig(name: unknown): StageConfig {
  if (name === 'dev' || name === 'prod') return STAGES[name];
  throw new Error(`Unknown stage ${JSON.stringify(name)}: pass -c stage=dev or -c stage=prod.`);
}
