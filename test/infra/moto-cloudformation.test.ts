import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { inject } from 'vitest';
import { describe, expect, it } from 'vitest';
import { eventually } from '../support/local-api.ts';
import {
  type CfnTemplate,
  danglingReferences,
  freeEditionTemplate,
  HOT_RELOAD_BUCKET,
  NO_HTTP_API_PARAMETER,
  referencesIn as templateReferences,
} from '../../tools/localstack/free-template.ts';
import { buildStack, templateOf, type CfnResource } from './stack-fixture.ts';

/**
 * The synthesized template's resources that moto models, deployed to moto's CloudFormation (the
 * moto the test setup runs): a property moto's providers refuse, a reference to nothing, or a
 * dependency cycle fails the stack here, which no assertion on the template's JSON would see.
 * Resources of the types below are left out, with every resource that refers to one of them.
 */
const SKIPPED_TYPES: Record<string, string> = {
  'AWS::Lambda::Function': 'its code is a CDK asset in the bootstrap bucket, which moto does not have',
  'AWS::Lambda::EventSourceMapping': 'needs the functions',
  'AWS::Lambda::Permission': 'needs the functions',
  'AWS::Lambda::EventInvokeConfig': 'needs the functions',
  'AWS::Events::Rule': "its targets are the functions (the reconciler's schedule)",
  'AWS::ApiGatewayV2::Api': "not in moto's CloudFormation",
  'AWS::ApiGatewayV2::Stage': "not in moto's CloudFormation",
  'AWS::ApiGatewayV2::Route': "not in moto's CloudFormation",
  'AWS::ApiGatewayV2::Integration': "not in moto's CloudFormation",
  'AWS::ApiGatewayV2::Authorizer': "not in moto's CloudFormation",
  'AWS::ApiGatewayV2::DomainName': "not in moto's CloudFormation",
  'AWS::ApiGatewayV2::ApiMapping': "not in moto's CloudFormation",
  'AWS::CloudWatch::Alarm': "not in moto's CloudFormation",
  'AWS::CloudWatch::Dashboard': "not in moto's CloudFormation",
  'AWS::Scheduler::ScheduleGroup': "not in moto's CloudFormation",
  'AWS::SecretsManager::Secret': "its generated secret string is not in moto's CloudFormation",
  'AWS::SNS::Subscription': 'an e-mail subscription needs a confirmation',
  'AWS::CDK::Metadata': 'CDK bookkeeping, not a resource',
  'Custom::LogRetention': 'a custom resource backed by a CDK Lambda function',
};

/** Every logical id the value refers to (Ref, Fn::GetAtt, Fn::Sub's ${X} and ${X.Attr}). */
function referencesIn(value: unknown, found = new Set<string>()): Set<string> {
  if (Array.isArray(value)) for (const each of value) referencesIn(each, found);
  else if (value && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      if (key === 'Ref' && typeof inner === 'string') found.add(inner);
      else if (key === 'Fn::GetAtt')
        found.add(Array.isArray(inner) ? String(inner[0]) : (String(inner).split('.')[0] as string));
      else if (key === 'Fn::Sub') {
        const text = Array.isArray(inner) ? inner[0] : inner;
        for (const match of String(text).matchAll(/\$\{([A-Za-z0-9]+)(?:\.[A-Za-z]+)?\}/g))
          found.add(match[1] as string);
        if (Array.isArray(inner)) referencesIn(inner[1], found);
      } else referencesIn(inner, found);
    }
  }
  return found;
}

/** The resources of types moto models, without any that refers, directly or not, to one left out. */
function deployable(
  resources: Record<string, CfnResource>,
  skipped: Record<string, string> = SKIPPED_TYPES,
): { kept: Record<string, CfnResource>; left: string[] } {
  const kept = Object.fromEntries(Object.entries(resources).filter(([, resource]) => !(resource.Type in skipped)));
  for (let changed = true; changed; ) {
    changed = false;
    for (const [id, resource] of Object.entries(kept)) {
      const refs = [...referencesIn(resource.Properties), ...(resource.DependsOn ?? [])];
      if (refs.some((ref) => ref in resources && !(ref in kept))) {
        delete kept[id];
        changed = true;
      }
    }
  }
  return { kept, left: Object.keys(resources).filter((id) => !(id in kept)) };
}

async function cloudFormation(endpoint: string, params: Record<string, string>): Promise<string> {
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization:
        'AWS4-HMAC-SHA256 Credential=local/20300101/us-east-1/cloudformation/aws4_request, SignedHeaders=host, Signature=local',
    },
    body: new URLSearchParams({ Version: '2010-05-15', ...params }).toString(),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`CloudFormation ${params.Action}: ${response.status} ${text.slice(0, 2000)}`);
  return text;
}

/** Creates the stack on moto's CloudFormation and waits for it to finish; the events if it did not complete. */
async function deployToMoto(endpoint: string, stackName: string, template: Record<string, unknown>) {
  await cloudFormation(endpoint, {
    Action: 'CreateStack',
    StackName: stackName,
    TemplateBody: JSON.stringify({ AWSTemplateFormatVersion: '2010-09-09', ...template }),
    'Capabilities.member.1': 'CAPABILITY_NAMED_IAM',
  });
  const status = await eventually(
    async () =>
      /<StackStatus>([A-Z_]+)<\/StackStatus>/.exec(
        await cloudFormation(endpoint, { Action: 'DescribeStacks', StackName: stackName }),
      )?.[1],
    (value) => value !== undefined && !value.endsWith('_IN_PROGRESS'),
    60_000,
    'the stack to finish',
  );
  const events =
    status === 'CREATE_COMPLETE'
      ? ''
      : await cloudFormation(endpoint, { Action: 'DescribeStackEvents', StackName: stackName });
  return { status, events: events.slice(0, 4000) };
}

describe("the template on moto's CloudFormation", () => {
  it('deploys every resource moto models to CREATE_COMPLETE; the rest are listed by type', async () => {
    const template = templateOf(buildStack('dev', { carrierSimulator: true } as never).stack).toJSON() as {
      Resources: Record<string, CfnResource>;
    };
    const { kept, left } = deployable(template.Resources);
    const keptTypes = new Set(Object.values(kept).map((resource) => resource.Type));
    // The stateful core must be in what is deployed, or this test proves little.
    for (const type of ['AWS::DynamoDB::Table', 'AWS::SQS::Queue', 'AWS::IAM::Role']) expect(keptTypes).toContain(type);
    const leftTypes = new Set(left.map((id) => template.Resources[id]?.Type));
    expect(
      [...leftTypes].filter((type) => type !== undefined && !(type in SKIPPED_TYPES) && !keptTypes.has(type)),
    ).toEqual([]);

    const endpoint = inject('motoEndpoint');
    const stackName = `moto-cfn-${Date.now()}`;
    const { status, events } = await deployToMoto(endpoint, stackName, { Resources: kept });
    expect(status, events).toBe('CREATE_COMPLETE');
    await cloudFormation(endpoint, { Action: 'DeleteStack', StackName: stackName });
  }, 120_000);
});

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TSX = join(REPO_ROOT, 'node_modules', '.bin', 'tsx');

/** The types moto's CloudFormation does not model (or not as the template uses them), for the free-plan template. */
const MOTO_UNMODELED: Record<string, string> = Object.fromEntries(
  Object.entries(SKIPPED_TYPES).filter(
    ([type]) =>
      !type.startsWith('AWS::Lambda::') && type !== 'AWS::Events::Rule' && type !== 'AWS::CloudWatch::Dashboard',
  ),
);
MOTO_UNMODELED['AWS::Lambda::EventInvokeConfig'] = "not in moto's CloudFormation";

/**
 * The resources with every Ref / GetAtt of a resource moto does not model (the secret, the
 * schedule group, the alarms) replaced by a literal of the same shape (an ARN, or a name for the
 * group's Ref): what the functions' variables, the policies and the dashboard hold then deploys.
 */
function standInForUnmodeled(resources: Record<string, CfnResource>): Record<string, CfnResource> {
  const arn = (id: string) =>
    `arn:aws:${resources[id]?.Type.split('::')[1]?.toLowerCase()}:us-east-1:123456789012:stand-in-${id}`;
  const replace = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(replace);
    if (!value || typeof value !== 'object') return value;
    const [key, inner] = (Object.entries(value)[0] ?? []) as [string, unknown];
    if (Object.keys(value).length === 1 && (key === 'Ref' || key === 'Fn::GetAtt')) {
      const id = key === 'Ref' ? String(inner) : Array.isArray(inner) ? String(inner[0]) : String(inner).split('.')[0];
      const type = resources[id as string]?.Type;
      if (type && type in MOTO_UNMODELED)
        return key === 'Ref' && type !== 'AWS::SecretsManager::Secret' ? `stand-in-${id}` : arn(id as string);
    }
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, replace(v)]));
  };
  return Object.fromEntries(
    Object.entries(resources).map(([id, resource]) => [
      id,
      resource.Type in MOTO_UNMODELED ? resource : { ...resource, Properties: replace(resource.Properties) as never },
    ]),
  );
}

/** An S3 request to moto, path-style (the bucket in the path), signed only enough for moto to route it. */
async function s3Put(endpoint: string, path: string, body?: Uint8Array) {
  const response = await fetch(`${endpoint}/${path}`, {
    method: 'PUT',
    headers: {
      authorization:
        'AWS4-HMAC-SHA256 Credential=local/20300101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=local',
      'x-amz-content-sha256': 'UNSIGNED-PAYLOAD',
    },
    ...(body ? { body } : {}),
  });
  if (!response.ok) throw new Error(`S3 PUT ${path}: ${response.status} ${(await response.text()).slice(0, 500)}`);
}

/** An empty zip archive (its end-of-central-directory record alone): moto stores the code, it never runs it. */
const EMPTY_ZIP = new Uint8Array([0x50, 0x4b, 0x05, 0x06, ...new Array(18).fill(0)]);

describe("the LocalStack free-plan template (npm run localstack:template) on moto's CloudFormation", () => {
  const synthesized = templateOf(buildStack('dev', { carrierSimulator: true } as never).stack).toJSON() as CfnTemplate;
  const functions = (template: CfnTemplate) =>
    Object.entries(template.Resources).filter(([, resource]) => resource.Type === 'AWS::Lambda::Function');

  it('leaves out the HTTP API and only what needs it: every function, queue and table stays, no reference dangles', () => {
    const { template, removed, removedOutputs } = freeEditionTemplate(synthesized, { code: 'assets' });
    const types = (t: CfnTemplate) => new Set(Object.values(t.Resources).map((resource) => resource.Type));
    expect([...types(template)].filter((type) => type.startsWith('AWS::ApiGatewayV2::'))).toEqual([]);
    expect(danglingReferences(template)).toEqual([]);
    expect(template.Rules?.CheckBootstrapVersion).toBeUndefined();
    expect(template.Parameters?.BootstrapVersion).toBeUndefined();
    // What goes besides the API's own resources: the permissions API Gateway needed to invoke the
    // functions, and the alarm on the API's 5xx rate.
    const cascaded = Object.keys(removed).filter((id) => removed[id]?.startsWith('needs'));
    expect(new Set(cascaded.map((id) => synthesized.Resources[id]?.Type))).toEqual(
      new Set(['AWS::Lambda::Permission', 'AWS::CloudWatch::Alarm']),
    );
    expect(cascaded.filter((id) => synthesized.Resources[id]?.Type === 'AWS::CloudWatch::Alarm')).toHaveLength(1);
    for (const type of types(synthesized))
      if (!type.startsWith('AWS::ApiGatewayV2::') && type !== 'AWS::CDK::Metadata')
        expect(types(template)).toContain(type);
    expect(functions(template).map(([id]) => id)).toEqual(functions(synthesized).map(([id]) => id));
    expect(removedOutputs).toEqual(['ApiUrl']);
    // The functions' callback URLs name the placeholder where they named the API.
    const urls = functions(template).flatMap(([, fn]) =>
      Object.entries((fn.Properties?.Environment?.Variables ?? {}) as Record<string, unknown>).filter(([name]) =>
        name.endsWith('_BASE_URL'),
      ),
    );
    expect(urls.length).toBeGreaterThan(0);
    for (const [, value] of urls) expect(JSON.stringify(value)).toContain(`{"Ref":"${NO_HTTP_API_PARAMETER}"}`);
    expect(template.Parameters?.[NO_HTTP_API_PARAMETER]).toMatchObject({ Type: 'String' });
  });

  it("runs each function's bundle directory with LocalStack's hot reloading", () => {
    const { template } = freeEditionTemplate(synthesized, { code: 'hot-reload', assetDir: '/work/cdk.out' });
    for (const [id, fn] of functions(template)) {
      const key = synthesized.Resources[id]?.Properties?.Code?.S3Key as string;
      expect(fn.Properties?.Code, id).toEqual({
        S3Bucket: HOT_RELOAD_BUCKET,
        S3Key: `/work/cdk.out/asset.${key.replace(/\.zip$/, '')}`,
      });
    }
    expect(danglingReferences(template)).toEqual([]);
  });

  it('npm run localstack:template writes it beside the synthesized template and says what it left out', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'localstack-template-'));
    try {
      const templateFile = join(dir, 'OutboundCalls-dev.template.json');
      writeFileSync(templateFile, JSON.stringify(synthesized));
      const run = () =>
        promisify(execFile)(TSX, ['tools/localstack/cli.ts', '--template', templateFile], { cwd: REPO_ROOT }).catch(
          (error: { code: number; stderr: string }) => error,
        );
      // Without the bundles (no `cdk synth` yet) it says so, and writes nothing.
      expect(await run()).toMatchObject({ code: 1, stderr: expect.stringContaining('npx cdk synth') });
      for (const [, fn] of functions(synthesized))
        mkdirSync(join(dir, `asset.${String(fn.Properties?.Code?.S3Key).replace(/\.zip$/, '')}`), { recursive: true });
      const { stdout } = (await run()) as { stdout: string };
      const written = JSON.parse(readFileSync(join(dir, 'OutboundCalls-dev.localstack-free.json'), 'utf8'));
      expect(written).toEqual(freeEditionTemplate(synthesized, { code: 'hot-reload', assetDir: dir }).template);
      expect(stdout).toMatch(/Left out \d+ resources:/);
      expect(stdout).toContain('AWS::ApiGatewayV2::Api');
      expect(stdout).toContain('Left out outputs: ApiUrl');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it('deploys to CREATE_COMPLETE with its functions, event sources, schedule rule and dashboard', async () => {
    const endpoint = inject('motoEndpoint');
    const { template } = freeEditionTemplate(synthesized, { code: 'assets' });
    // The code is in a bucket of this moto: the bootstrap bucket LocalStack would have is not here.
    const bucket = `free-template-assets-${Date.now()}`;
    await s3Put(endpoint, bucket);
    for (const [, fn] of functions(template)) {
      await s3Put(endpoint, `${bucket}/${fn.Properties?.Code?.S3Key}`, EMPTY_ZIP);
      (fn.Properties as Record<string, any>).Code = { ...fn.Properties?.Code, S3Bucket: bucket };
    }
    const { kept, left } = deployable(
      standInForUnmodeled(template.Resources as Record<string, CfnResource>),
      MOTO_UNMODELED,
    );
    const keptTypes = new Set(Object.values(kept).map((resource) => resource.Type));
    for (const type of [
      'AWS::Lambda::Function',
      'AWS::Lambda::EventSourceMapping',
      'AWS::Lambda::Permission',
      'AWS::Events::Rule',
      'AWS::CloudWatch::Dashboard',
      'AWS::DynamoDB::Table',
      'AWS::SQS::Queue',
    ])
      expect(keptTypes).toContain(type);
    // Only what moto does not model is left out here (stood in for where it is named): every
    // function is deployed.
    expect(functions({ Resources: kept }).length).toBe(functions(template).length);
    expect(left.filter((id) => template.Resources[id]?.Type === 'AWS::Lambda::Function')).toEqual([]);
    const outputs = Object.fromEntries(
      Object.entries(template.Outputs ?? {}).filter(([, output]) =>
        [...templateReferences(output)].every((ref) => ref in kept || ref in (template.Parameters ?? {})),
      ),
    );
    const stackName = `moto-free-${Date.now()}`;
    const { status, events } = await deployToMoto(endpoint, stackName, {
      Parameters: template.Parameters,
      Resources: kept,
      Outputs: outputs,
    });
    expect(status, events).toBe('CREATE_COMPLETE');
    await cloudFormation(endpoint, { Action: 'DeleteStack', StackName: stackName });
  }, 120_000);
});
