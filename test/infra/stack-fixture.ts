import { readFileSync } from 'node:fs';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { OutboundCallsStack, type OutboundCallsStackProps } from '../../infra/stacks/outbound-calls-stack.ts';
import { STAGES, type StageName } from '../../infra/stacks/stage-config.ts';
import { scratchDir } from '../support/scratch-dir.ts';

/** The context `cdk synth` runs with (cdk.json: settings and feature flags), so tests see the same template. */
export const CDK_CONTEXT: Record<string, unknown> = JSON.parse(
  readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8'),
).context;

export const AGENT_STREAM_URL = 'wss://agents.example.com/media-stream';

/**
 * The stack for one stage, without bundling the functions (the `aws:cdk:bundling-stacks` context
 * set to none): template assertions need the resources, not the code. synth.test.ts bundles.
 * The app synthesizes into a directory of its own under the run's temporary directory
 * (test/support/global-setup.ts), removed when the run ends: an App without `outdir` makes a
 * `cdk.out…` directory in the system's temporary directory that nothing removes (about 1 MB each,
 * a dozen a run).
 */
export function buildStack(stage: StageName, props: Partial<OutboundCallsStackProps> = {}) {
  const app = new App({
    outdir: scratchDir('cdk.out-'),
    context: { ...CDK_CONTEXT, 'aws:cdk:bundling-stacks': [] },
  });
  const stack = new OutboundCallsStack(app, `OutboundCalls-${stage}`, {
    stage: STAGES[stage],
    agentStreamUrl: AGENT_STREAM_URL,
    ...props,
  });
  return { app, stack };
}

export type CfnResource = {
  Type: string;
  Properties?: Record<string, any>;
  DependsOn?: string[];
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
};
export type CfnTemplate = { Resources: Record<string, CfnResource>; Outputs?: Record<string, { Value: unknown }> };

export const templateOf = (stack: OutboundCallsStack) => Template.fromStack(stack);

export function resourcesOfType(template: CfnTemplate, type: string): Array<[string, CfnResource]> {
  return Object.entries(template.Resources).filter(([, resource]) => resource.Type === type);
}

/** Logical ids a resource refers to (Ref, Fn::GetAtt, DependsOn), pseudo parameters excluded. */
export function referencesOf(resource: CfnResource): Set<string> {
  const found = new Set<string>(resource.DependsOn ?? []);
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === 'object') {
      for (const [key, inner] of Object.entries(value)) {
        if (key === 'Ref' && typeof inner === 'string' && !inner.startsWith('AWS::')) found.add(inner);
        else if (key === 'Fn::GetAtt') found.add(Array.isArray(inner) ? inner[0] : String(inner).split('.')[0]);
        else walk(inner);
      }
    }
  };
  walk(resource.Properties);
  return found;
}

/** A dependency cycle among the template's resources, or null: CloudFormation refuses a cycle at deploy time. */
export function findCycle(template: CfnTemplate): string[] | null {
  const state = new Map<string, 'visiting' | 'done'>();
  const path: string[] = [];
  const visit = (id: string): string[] | null => {
    if (state.get(id) === 'done' || !template.Resources[id]) return null;
    if (state.get(id) === 'visiting') return [...path.slice(path.indexOf(id)), id];
    state.set(id, 'visiting');
    path.push(id);
    for (const next of referencesOf(template.Resources[id] as CfnResource)) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    path.pop();
    state.set(id, 'done');
    return null;
  };
  for (const id of Object.keys(template.Resources)) {
    const cycle = visit(id);
    if (cycle) return cycle;
  }
  return null;
}
