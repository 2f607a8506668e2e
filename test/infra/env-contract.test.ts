import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { HANDLER_NAMES } from '../../infra/constructs/bundling.ts';
import { STAGES, type StageName } from '../../infra/stacks/stage-config.ts';
import { type HandlerBundles, handlerBundles } from '../support/handler-bundles.ts';
import { buildStack, resourcesOfType, templateOf, type CfnTemplate } from './stack-fixture.ts';

/**
 * The environment contract: each function must start with exactly the variables its construct
 * declares in the template, plus what the Lambda runtime itself sets, and nothing else. Every other
 * test runs handlers with a complete environment, so a handler that starts reading a variable its
 * function is not given (an import of another composition root, say) passes them all and fails
 * only at cold start in AWS. Here each function's asset, built as the CDK construct builds it
 * (synth.test.ts checks the deployed assets are these files), is imported in a fresh Node process
 * with the template's variables, tokens resolved to plausible values: index.mjs, as at cold start,
 * then every chunk it would load on first use, each of which must load too.
 */

const REGION = 'us-east-1';
const ACCOUNT = '111111111111';

/**
 * What the Lambda runtime sets in every function's environment (reserved and unreserved
 * runtime variables, https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html),
 * with active tracing's X-Ray variables. The execution role's credentials are fake: nothing may
 * reach AWS at import time.
 */
function lambdaRuntimeEnvironment(functionName: string, taskRoot: string): Record<string, string> {
  return {
    _HANDLER: 'index.handler',
    AWS_REGION: REGION,
    AWS_DEFAULT_REGION: REGION,
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
    AWS_LAMBDA_FUNCTION_NAME: functionName,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '512',
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${functionName}`,
    AWS_LAMBDA_LOG_STREAM_NAME: '2026/01/01/[$LATEST]0123456789abcdef',
    AWS_LAMBDA_RUNTIME_API: '127.0.0.1:9001',
    AWS_ACCESS_KEY_ID: 'ASIAENVCONTRACTTEST0',
    AWS_SECRET_ACCESS_KEY: 'env-contract-test-secret',
    AWS_SESSION_TOKEN: 'env-contract-test-session',
    AWS_XRAY_CONTEXT_MISSING: 'LOG_ERROR',
    AWS_XRAY_DAEMON_ADDRESS: '169.254.79.129:2000',
    _AWS_XRAY_DAEMON_ADDRESS: '169.254.79.129',
    _AWS_XRAY_DAEMON_PORT: '2000',
    LAMBDA_TASK_ROOT: taskRoot,
    LAMBDA_RUNTIME_DIR: '/var/runtime',
    LANG: 'en_US.UTF-8',
    TZ: ':UTC',
    PATH: '/var/lang/bin:/usr/local/bin:/usr/bin/:/bin:/opt/bin',
    LD_LIBRARY_PATH: '/var/lang/lib:/lib64:/usr/lib64:/var/runtime:/var/runtime/lib:/var/task:/var/task/lib:/opt/lib',
    NODE_PATH: '/opt/nodejs/node22/node_modules:/opt/nodejs/node_modules:/var/runtime/node_modules',
  };
}

/**
 * A plausible deployed value for a CloudFormation expression in a function's environment: a
 * queue's Ref is its URL, an Arn attribute an ARN, an HTTP API's endpoint an https URL. An
 * expression this does not know fails the test, so that a new kind is resolved deliberately.
 */
function resolve(template: CfnTemplate, value: unknown): string {
  if (typeof value === 'string') return value;
  const expression = value as Record<string, unknown>;
  if (typeof expression.Ref === 'string') {
    const id = expression.Ref;
    const pseudo: Record<string, string> = {
      'AWS::Region': REGION,
      'AWS::AccountId': ACCOUNT,
      'AWS::Partition': 'aws',
      'AWS::URLSuffix': 'amazonaws.com',
    };
    if (pseudo[id]) return pseudo[id];
    const type = template.Resources[id]?.Type;
    if (type === 'AWS::SQS::Queue') return `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/${id}`;
    if (type === 'AWS::SecretsManager::Secret')
      return `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:${id}-AbCdEf`;
    if (type === 'AWS::DynamoDB::Table' || type === 'AWS::DynamoDB::GlobalTable' || type === 'AWS::Events::EventBus')
      return id;
    throw new Error(`No plausible value for a Ref to ${id} (${type})`);
  }
  if (Array.isArray(expression['Fn::GetAtt'])) {
    const [id, attribute] = expression['Fn::GetAtt'] as [string, string];
    if (attribute === 'Arn') return `arn:aws:service:${REGION}:${ACCOUNT}:${id}`;
    if (attribute === 'ApiEndpoint') return `https://${id.toLowerCase()}.execute-api.${REGION}.amazonaws.com`;
    if (attribute === 'QueueUrl') return `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/${id}`;
    throw new Error(`No plausible value for ${id}.${attribute}`);
  }
  if (Array.isArray(expression['Fn::Join'])) {
    const [separator, parts] = expression['Fn::Join'] as [string, unknown[]];
    return parts.map((part) => resolve(template, part)).join(separator);
  }
  throw new Error(`No plausible value for ${JSON.stringify(value)}`);
}

/** Each function of a stage's template: its handler module and the environment its construct declares. */
function functionsOf(stage: StageName): Array<{ handler: string; environment: Record<string, string> }> {
  const template = templateOf(buildStack(stage).stack).toJSON() as CfnTemplate;
  return resourcesOfType(template, 'AWS::Lambda::Function').map(([, fn]) => ({
    handler: String(fn.Properties?.Description).replace('outbound-calls ', ''),
    environment: Object.fromEntries(
      Object.entries((fn.Properties?.Environment?.Variables ?? {}) as Record<string, unknown>).map(([name, value]) => [
        name,
        resolve(template, value),
      ]),
    ),
  }));
}

let bundles: HandlerBundles;

/**
 * Imports a handler's asset in a fresh process with exactly `env`, as Lambda does at cold start,
 * then each chunk it would read on first use; resolves to what went wrong, or null.
 */
async function coldStart(handler: string, env: Record<string, string>): Promise<string | null> {
  const dir = bundles.dir(handler);
  const script =
    'const m = await import(process.argv[1]); if (typeof m.handler !== "function") throw new Error("no handler export"); for (const chunk of process.argv.slice(2)) await import(chunk);';
  const chunks = readdirSync(dir)
    .filter((file) => file.endsWith('.mjs') && file !== 'index.mjs')
    .map((file) => pathToFileURL(join(dir, file)).href);
  try {
    await promisify(execFile)(
      process.execPath,
      ['--input-type=module', '-e', script, pathToFileURL(join(dir, 'index.mjs')).href, ...chunks],
      { env, timeout: 120_000 },
    );
    return null;
  } catch (error) {
    const { stderr, message } = error as { stderr?: string; message: string };
    const text = stderr || message;
    return `${handler}: ${text.split('\n').find((line) => /^\w*Error\b/.test(line)) ?? text}`;
  }
}

/** Runs `tasks` two at a time (the machine's cores), keeping their order. */
async function inBatches<T>(tasks: Array<() => Promise<T>>, size = 2): Promise<T[]> {
  const results: T[] = [];
  for (let i = 0; i < tasks.length; i += size)
    results.push(...(await Promise.all(tasks.slice(i, i + size).map((task) => task()))));
  return results;
}

beforeAll(async () => {
  bundles = await handlerBundles();
});

describe.each([
  { stage: 'dev', simulator: 'with the carrier simulator' },
  { stage: 'prod', simulator: 'without the carrier simulator' },
] as const)('each function of the $stage stack ($simulator)', ({ stage }) => {
  it('initialises with only the variables its construct declares and those the Lambda runtime sets', {
    timeout: 600_000,
  }, async () => {
    const functions = functionsOf(stage);
    const deployed = HANDLER_NAMES.filter((name) => name !== 'carrier-simulator' || STAGES[stage].carrierSimulator);
    expect(functions.map((fn) => fn.handler).sort()).toEqual([...deployed].sort());
    const failures = await inBatches(
      functions.map(
        ({ handler, environment }) =>
          () =>
            coldStart(handler, {
              ...lambdaRuntimeEnvironment(`outbound-calls-${handler}`, bundles.dir(handler)),
              ...environment,
            }),
      ),
    );
    expect(failures.filter((failure) => failure !== null)).toEqual([]);
  });
});
