import { Validations, type Duration, type RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type * as z from 'zod/mini';
import { HANDLER_NODE_OPTIONS, handlerCode } from './bundling.ts';

/**
 * Access to one resource: the permissions and the environment variables that name it, given
 * together so a function never gets one without the other.
 */
export interface Binding<E extends Record<string, string> = Record<string, string>> {
  readonly environment: E;
  grant(fn: lambda.IFunction): void;
}

/** A function's environment as CDK sets it: every variable its zod schema reads, as a string. */
export type EnvironmentOf<S extends z.ZodMiniObject> = { [K in keyof z.input<S>]: string };

/** The variable names a list of bindings sets. */
type BoundNames<B extends readonly Binding[]> = B[number] extends infer T
  ? T extends Binding<infer E>
    ? keyof E
    : never
  : never;

export interface ServiceFunctionProps<S extends z.ZodMiniObject, B extends readonly Binding[]> {
  /** The module functions/handlers/<handler>.ts. */
  handler: string;
  /** The schema the handler checks its environment with at start-up. */
  environmentSchema: S;
  bindings: B;
  /** The variables the bindings do not set. A missing required one fails `tsc`. */
  environment: Omit<EnvironmentOf<S>, BoundNames<B>>;
  timeout: Duration;
  /** Lambda's retries of a failed asynchronous invocation (0–2). */
  retryAttempts?: number;
  logRetention: logs.RetentionDays;
  logRemovalPolicy: RemovalPolicy;
  logLevel: string;
}

/** Settings every function of the service shares (the service's metrics are in this namespace, ServiceMonitoring). */
export const POWERTOOLS_ENVIRONMENT = {
  POWERTOOLS_SERVICE_NAME: 'outbound-calls',
  POWERTOOLS_METRICS_NAMESPACE: 'OutboundCalls',
  // Events and responses carry phone numbers and metadata, which are never logged or traced.
  POWERTOOLS_LOGGER_LOG_EVENT: 'false',
  POWERTOOLS_TRACER_CAPTURE_RESPONSE: 'false',
};

/**
 * One handler module as a Lambda function, with the project's defaults: a local esbuild ESM
 * bundle split into chunks (bundling.ts, handlerCode), arm64, Node.js 22, its own log group and a
 * role that holds only what its bindings grant.
 */
export class ServiceFunction<
  S extends z.ZodMiniObject = z.ZodMiniObject,
  B extends readonly Binding[] = readonly Binding[],
> extends lambda.Function {
  readonly handlerName: string;

  constructor(scope: Construct, id: string, props: ServiceFunctionProps<S, B>) {
    const unread = props.bindings
      .flatMap((binding) => Object.keys(binding.environment))
      .filter((name) => !(name in props.environmentSchema.shape));
    if (unread.length > 0)
      throw new Error(
        `${props.handler}: its environment schema does not read ${unread.join(', ')}; bind only what it uses.`,
      );

    const logGroup = new logs.LogGroup(scope, `${id}Logs`, {
      retention: props.logRetention,
      removalPolicy: props.logRemovalPolicy,
    });
    // An explicit role instead of the default one, whose managed policy writes to any log group.
    const role = new iam.Role(scope, `${id}Role`, {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Runs the ${props.handler} function`,
    });
    logGroup.grantWrite(role);
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Active tracing: xray:PutTraceSegments and xray:PutTelemetryRecords have no resource-level permissions, so AWS requires "*" (test/infra checks no other action gets it).',
    });

    const environment: Record<string, string> = {
      ...POWERTOOLS_ENVIRONMENT,
      POWERTOOLS_LOG_LEVEL: props.logLevel,
      NODE_OPTIONS: HANDLER_NODE_OPTIONS,
    };
    for (const binding of props.bindings) Object.assign(environment, binding.environment);
    for (const [name, value] of Object.entries(props.environment as Record<string, string | undefined>)) {
      if (value !== undefined) environment[name] = value;
    }

    super(scope, id, {
      code: handlerCode(props.handler),
      handler: 'index.handler',
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      // Lambda gives CPU in proportion to memory, and a cold start's module loading is CPU-bound.
      memorySize: 512,
      timeout: props.timeout,
      retryAttempts: props.retryAttempts,
      tracing: lambda.Tracing.ACTIVE,
      role,
      logGroup,
      environment,
      description: `outbound-calls ${props.handler}`,
    });
    this.handlerName = props.handler;
    Validations.of(this).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'The service is built, bundled (target node22) and measured for nodejs22.x, as its design requires; moving to a newer runtime is a deliberate change with its own tests, not a lint fix.',
    });
    for (const binding of props.bindings) binding.grant(this);
  }
}
