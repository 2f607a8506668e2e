import { inject } from 'vitest';
import { describe, expect, it } from 'vitest';
import { eventually } from '../support/local-api.ts';
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
function deployable(resources: Record<string, CfnResource>): { kept: Record<string, CfnResource>; left: string[] } {
  const kept = Object.fromEntries(
    Object.entries(resources).filter(([, resource]) => !(resource.Type in SKIPPED_TYPES)),
  );
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
    await cloudFormation(endpoint, {
      Action: 'CreateStack',
      StackName: stackName,
      TemplateBody: JSON.stringify({ AWSTemplateFormatVersion: '2010-09-09', Resources: kept }),
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
    expect(status, events.slice(0, 4000)).toBe('CREATE_COMPLETE');
    await cloudFormation(endpoint, { Action: 'DeleteStack', StackName: stackName });
  }, 120_000);
});
