import * as envSchemas from '#schemas/env';

/**
 * A complete, valid environment for every function, with made-up values: handlers check their
 * environment when imported, so a bundle cannot be loaded without one. Nothing here is contacted
 * at import time.
 */
export const FAKE_ENVIRONMENT: Record<string, string> = {
  AWS_REGION: 'us-east-1',
  AWS_LAMBDA_FUNCTION_NAME: 'outbound-calls-bench',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  POWERTOOLS_SERVICE_NAME: 'outbound-calls',
  POWERTOOLS_LOG_LEVEL: 'WARN',
  TABLE_NAME: 'outbound-calls-bench',
  DIAL_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/111111111111/dial-queue',
  DIAL_QUEUE_ARN: 'arn:aws:sqs:us-east-1:111111111111:dial-queue',
  SCHEDULER_DLQ_ARN: 'arn:aws:sqs:us-east-1:111111111111:scheduler-dlq',
  SCHEDULE_GROUP_NAME: 'outbound-calls-bench',
  SCHEDULER_ROLE_ARN: 'arn:aws:iam::111111111111:role/scheduler',
  TELEPHONY_WEBHOOK_BASE_URL: 'https://api.example.com',
  SIMULATOR_API_BASE_URL: 'https://api.example.com/simulator',
  SIMULATOR_ACCOUNT_SID: 'AC00000000000000000000000000000000',
  SIMULATOR_AUTH_TOKEN: 'bench-token',
  AGENT_STREAM_URL: 'wss://agents.example.com/media-stream',
  DELIVERY_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/111111111111/delivery-queue',
  DELIVERY_DLQ_URL: 'https://sqs.us-east-1.amazonaws.com/111111111111/delivery-dlq',
  DIAL_DLQ_URL: 'https://sqs.us-east-1.amazonaws.com/111111111111/dial-dlq',
  STREAM_FAILURE_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/111111111111/stream-failures',
  EVENT_BUS_NAME: 'outbound-calls-bench',
};

/** Fails loudly if a schema gained a variable this environment lacks. */
export function checkFakeEnvironment(): void {
  for (const [name, schema] of Object.entries(envSchemas)) {
    if (!name.endsWith('EnvSchema')) continue;
    envSchemas.parseEnv(schema as Parameters<typeof envSchemas.parseEnv>[0], FAKE_ENVIRONMENT);
  }
}
