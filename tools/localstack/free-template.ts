import { isAbsolute, join } from 'node:path';

/**
 * The synthesized stack template cut down to what LocalStack's free plan deploys (docs/deploy.md,
 * "LocalStack"). Sources, as of 2026 (docs.localstack.cloud):
 * - API Gateway v2 (HTTP APIs, their Lambda authorizers, domain names) needs the paid Base plan
 *   (/aws/services/apigateway: "API Gateway V2 … in the Base plan"; before the March 2026 plans,
 *   /references/coverage/coverage_apigatewayv2: "only in the pro image");
 * - every other service of the stack (CloudFormation, DynamoDB and its streams, Lambda, SQS, SNS,
 *   IAM, Secrets Manager, EventBridge and EventBridge Scheduler, CloudWatch and its logs) is
 *   available from the free Hobby plan (/api-coverage/v1/index.md, "Minimum plan"), formerly the
 *   Community image.
 */
export const PAID_ONLY_TYPE_PREFIXES: Record<string, string> = {
  'AWS::ApiGatewayV2::': 'API Gateway v2 (HTTP API, its routes, Lambda authorizer, stage, domain): paid Base plan',
};

/** CDK bookkeeping the free template leaves out: not a service resource. */
const CDK_BOOKKEEPING_TYPES = new Set(['AWS::CDK::Metadata']);

/**
 * LocalStack's hot-reload marker bucket: a Lambda function whose code is `S3Bucket: hot-reload`,
 * `S3Key: <absolute directory>` runs that directory of this machine, mounted into its container
 * (docs.localstack.cloud /user-guide/lambda-tools/hot-reloading); no bootstrap bucket is needed.
 */
export const HOT_RELOAD_BUCKET = 'hot-reload';

/** The placeholder the functions get where the template gave them the HTTP API's id (its URL). */
export const NO_HTTP_API_PARAMETER = 'HttpApiIdPlaceholder';

/**
 * Properties that name the HTTP API (or what needs it) but do not need it, by resource type: a
 * function's URLs for the telephony callbacks; the dashboard's API widgets and its alarm list.
 */
const NAMES_THE_API_IN: Record<string, string> = {
  'AWS::Lambda::Function': 'Environment',
  'AWS::CloudWatch::Dashboard': 'DashboardBody',
};

export type CfnValue = unknown;
export interface CfnResource {
  Type: string;
  // biome-ignore lint/suspicious/noExplicitAny: a template property is any JSON
  Properties?: Record<string, any>;
  DependsOn?: string | string[];
  Condition?: string;
  Metadata?: Record<string, CfnValue>;
  [key: string]: unknown;
}
export interface CfnTemplate {
  Resources: Record<string, CfnResource>;
  Parameters?: Record<string, Record<string, unknown>>;
  Outputs?: Record<string, { Value: CfnValue; Condition?: string; [key: string]: unknown }>;
  Conditions?: Record<string, CfnValue>;
  Rules?: Record<string, CfnValue>;
  [key: string]: unknown;
}

export interface FreeTemplateOptions {
  /**
   * Where the functions' code comes from: `hot-reload` (the asset directories under `assetDir`,
   * mounted by LocalStack) or `assets` (the CDK bootstrap bucket, as synthesized: for a LocalStack
   * bootstrapped with `cdklocal bootstrap` and the assets published by `cdklocal publish-assets`).
   */
  code: 'hot-reload' | 'assets';
  /** The absolute cdk.out directory holding the `asset.<hash>` directories (for `hot-reload`). */
  assetDir?: string;
}

export interface FreeTemplate {
  template: CfnTemplate;
  /** Every resource left out, with the reason: its type, or the left-out resource it needs. */
  removed: Record<string, string>;
  /** The outputs left out (they named a left-out resource). */
  removedOutputs: string[];
}

/**
 * Every logical id a template value refers to: `Ref`, `Fn::GetAtt` and the `${Id}` / `${Id.Attr}`
 * of `Fn::Sub` (pseudo parameters such as `AWS::Region` are left out).
 */
export function referencesIn(value: CfnValue, found = new Set<string>()): Set<string> {
  if (Array.isArray(value)) for (const each of value) referencesIn(each, found);
  else if (value && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      if (key === 'Ref' && typeof inner === 'string') {
        if (!inner.startsWith('AWS::')) found.add(inner);
      } else if (key === 'Fn::GetAtt')
        found.add(Array.isArray(inner) ? String(inner[0]) : (String(inner).split('.')[0] as string));
      else if (key === 'Fn::Sub') {
        const text = Array.isArray(inner) ? inner[0] : inner;
        const local = Array.isArray(inner) && inner[1] && typeof inner[1] === 'object' ? Object.keys(inner[1]) : [];
        for (const match of String(text).matchAll(/\$\{([A-Za-z0-9]+)(?:\.[A-Za-z0-9.]+)?\}/g))
          if (!local.includes(match[1] as string)) found.add(match[1] as string);
        if (Array.isArray(inner)) referencesIn(inner[1], found);
      } else referencesIn(inner, found);
    }
  }
  return found;
}

const dependsOn = (resource: CfnResource): string[] =>
  resource.DependsOn === undefined ? [] : Array.isArray(resource.DependsOn) ? resource.DependsOn : [resource.DependsOn];

/** The value with every Ref / GetAtt of a resource `replacementFor` answers for replaced by its answer. */
function replaceReferences(value: CfnValue, replacementFor: (id: string) => CfnValue | undefined): CfnValue {
  if (Array.isArray(value)) return value.map((each) => replaceReferences(each, replacementFor));
  if (value && typeof value === 'object') {
    const entries = Object.entries(value);
    if (entries.length === 1) {
      const [key, inner] = entries[0] as [string, unknown];
      const id =
        key === 'Ref' && typeof inner === 'string'
          ? inner
          : key === 'Fn::GetAtt'
            ? Array.isArray(inner)
              ? String(inner[0])
              : String(inner).split('.')[0]
            : undefined;
      const replacement = id === undefined ? undefined : replacementFor(id);
      if (replacement !== undefined) return replacement;
    }
    return Object.fromEntries(entries.map(([key, inner]) => [key, replaceReferences(inner, replacementFor)]));
  }
  return value;
}

/**
 * The free-plan template: the synthesized one without the paid-only resources, without every
 * resource and output that needs one of them (directly or through another left out), and without
 * the CDK bootstrap check (a LocalStack deployed this way is not bootstrapped). Substitutions keep
 * the functions and the dashboard: where a function's environment (the URL the telephony callbacks
 * use) or the dashboard names the HTTP API, the `HttpApiIdPlaceholder` parameter takes its place,
 * and the dashboard's alarm list names a left-out alarm by an ARN of its own; with `code:
 * 'hot-reload'` each function's code is its bundle directory (`asset.<hash>` in `assetDir`).
 * Nothing left in the result refers to a resource that is not in it.
 */
export function freeEditionTemplate(synthesized: CfnTemplate, options: FreeTemplateOptions): FreeTemplate {
  const source = structuredClone(synthesized);
  const removed: Record<string, string> = {};
  for (const [id, resource] of Object.entries(source.Resources)) {
    const prefix = Object.keys(PAID_ONLY_TYPE_PREFIXES).find((p) => resource.Type.startsWith(p));
    if (prefix) removed[id] = `${resource.Type}: ${PAID_ONLY_TYPE_PREFIXES[prefix]}`;
    else if (CDK_BOOKKEEPING_TYPES.has(resource.Type)) removed[id] = `${resource.Type}: CDK bookkeeping`;
  }

  const resources: Record<string, CfnResource> = {};
  for (const [id, resource] of Object.entries(source.Resources)) {
    if (id in removed) continue;
    const kept: CfnResource = { ...resource };
    if (resource.Type === 'AWS::Lambda::Function' && options.code === 'hot-reload')
      kept.Properties = { ...kept.Properties, Code: hotReloadCode(id, resource, options.assetDir) };
    resources[id] = kept;
  }

  // What stands for a left-out resource where a kept one only names it (NAMES_THE_API_IN): an
  // alarm's ARN for a left-out alarm (the dashboard's alarm list), the placeholder for the rest.
  let placeholderUsed = false;
  const standIn = (id: string): CfnValue | undefined => {
    if (!(id in removed)) return undefined;
    if (synthesized.Resources[id]?.Type === 'AWS::CloudWatch::Alarm')
      return { 'Fn::Sub': `arn:\${AWS::Partition}:cloudwatch:\${AWS::Region}:\${AWS::AccountId}:alarm:left-out-${id}` };
    placeholderUsed = true;
    return { Ref: NO_HTTP_API_PARAMETER };
  };
  // Whatever still needs a left-out resource goes too, until nothing does.
  for (let changed = true; changed; ) {
    changed = false;
    for (const [id, resource] of Object.entries(resources)) {
      const property = NAMES_THE_API_IN[resource.Type];
      if (property && resource.Properties?.[property] !== undefined)
        resource.Properties = {
          ...resource.Properties,
          [property]: replaceReferences(resource.Properties[property], standIn),
        };
      const missing = [...referencesIn(resource.Properties)].find(
        (ref) => ref in removed || (ref in synthesized.Resources && !(ref in resources)),
      );
      if (missing) {
        removed[id] = `needs ${missing} (${synthesized.Resources[missing]?.Type}), left out`;
        delete resources[id];
        changed = true;
      }
    }
  }
  // An ordering constraint on something not deployed is no constraint.
  for (const resource of Object.values(resources)) {
    if (resource.DependsOn === undefined) continue;
    const order = dependsOn(resource).filter((other) => other in resources);
    if (order.length > 0) resource.DependsOn = order;
    else delete resource.DependsOn;
  }

  const outputs: NonNullable<CfnTemplate['Outputs']> = {};
  const removedOutputs: string[] = [];
  for (const [name, output] of Object.entries(source.Outputs ?? {})) {
    if ([...referencesIn(output)].some((ref) => !(ref in resources) && !(ref in (source.Parameters ?? {}))))
      removedOutputs.push(name);
    else outputs[name] = output;
  }

  // The CDK bootstrap check reads an SSM parameter that only `cdk bootstrap` writes.
  const { BootstrapVersion: _bootstrap, ...parameters } = source.Parameters ?? {};
  const { CheckBootstrapVersion: _check, ...rules } = (source.Rules ?? {}) as Record<string, CfnValue>;
  if (placeholderUsed)
    parameters[NO_HTTP_API_PARAMETER] = {
      Type: 'String',
      Default: 'no-http-api',
      Description:
        "Stands for the HTTP API's id in the functions' URLs (TELEPHONY_WEBHOOK_BASE_URL, SIMULATOR_API_BASE_URL) and the dashboard: LocalStack's free plan has no HTTP API, so nothing answers there.",
    };

  const template: CfnTemplate = {
    ...source,
    Description: `${source.Description ?? 'Outbound Calls service'} (LocalStack free plan: no HTTP API)`,
    Resources: resources,
    Outputs: outputs,
  };
  if (Object.keys(parameters).length > 0) template.Parameters = parameters;
  else delete template.Parameters;
  if (Object.keys(rules).length > 0) template.Rules = rules;
  else delete template.Rules;
  const usedConditions = new Set(
    [...Object.values(resources), ...Object.values(outputs)].flatMap((each) =>
      each.Condition ? [each.Condition] : [],
    ),
  );
  if (template.Conditions) {
    const conditions = Object.fromEntries(
      Object.entries(template.Conditions).filter(([name]) => usedConditions.has(name)),
    );
    if (Object.keys(conditions).length > 0) template.Conditions = conditions;
    else delete template.Conditions;
  }
  if (Object.keys(outputs).length === 0) delete template.Outputs;
  return { template, removed, removedOutputs };
}

/** A function's code as LocalStack's hot reloading takes it: the bundle directory of this machine. */
function hotReloadCode(id: string, resource: CfnResource, assetDir: string | undefined) {
  if (!assetDir || !isAbsolute(assetDir)) throw new Error('Hot-reload code needs the absolute cdk.out directory.');
  const assetPath = resource.Metadata?.['aws:asset:path'];
  const key = (resource.Properties?.Code as { S3Key?: unknown } | undefined)?.S3Key;
  const directory =
    typeof assetPath === 'string'
      ? assetPath
      : typeof key === 'string' && key.endsWith('.zip')
        ? `asset.${key.slice(0, -'.zip'.length)}`
        : undefined;
  if (!directory) throw new Error(`${id}: no bundled asset to run (synthesize with \`npx cdk synth\` first).`);
  return { S3Bucket: HOT_RELOAD_BUCKET, S3Key: isAbsolute(directory) ? directory : join(assetDir, directory) };
}

/** References in the template to something that is neither a resource nor a parameter of it (none expected). */
export function danglingReferences(template: CfnTemplate): string[] {
  const known = new Set([...Object.keys(template.Resources), ...Object.keys(template.Parameters ?? {})]);
  const dangling: string[] = [];
  const check = (where: string, value: CfnValue, order: string[] = []) => {
    for (const ref of [...referencesIn(value), ...order]) if (!known.has(ref)) dangling.push(`${where} → ${ref}`);
  };
  for (const [id, resource] of Object.entries(template.Resources)) check(id, resource.Properties, dependsOn(resource));
  for (const [name, output] of Object.entries(template.Outputs ?? {})) check(`Outputs.${name}`, output);
  for (const [name, condition] of Object.entries(template.Conditions ?? {})) check(`Conditions.${name}`, condition);
  for (const [id, resource] of Object.entries(template.Resources))
    if (resource.Condition && !(resource.Condition in (template.Conditions ?? {})))
      dangling.push(`${id} → condition ${resource.Condition}`);
  return dangling;
}
