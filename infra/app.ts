import { App } from 'aws-cdk-lib';
import { OutboundCallsStack } from './stacks/outbound-calls-stack.ts';
import { stageConfig } from './stacks/stage-config.ts';

/**
 * The CDK app: `npx cdk deploy -c stage=dev|prod` (docs/deploy.md). Settings come from CDK
 * context (cdk.json holds the defaults; -c overrides them). Without AWS credentials the stack is
 * environment-agnostic, so `cdk synth` works on any machine.
 */
const app = new App();
const context = (key: string): string | undefined => {
  const value: unknown = app.node.tryGetContext(key);
  return typeof value === 'string' && value !== '' ? value : undefined;
};

const stageDefaults = stageConfig(context('stage'));
// Whether the carrier simulator is deployed: the stage's default unless -c carrierSimulator=true|false says.
const carrierSimulator = context('carrierSimulator') ?? String(stageDefaults.carrierSimulator);
if (carrierSimulator !== 'true' && carrierSimulator !== 'false')
  throw new Error('carrierSimulator must be true or false (-c carrierSimulator=…).');
const stage = { ...stageDefaults, carrierSimulator: carrierSimulator === 'true' };
const domainName = context('domainName');
const certificateArn = context('certificateArn');
if (Boolean(domainName) !== Boolean(certificateArn)) {
  throw new Error(
    'A custom domain needs both -c domainName=… and -c certificateArn=… (an ACM certificate in the same region).',
  );
}
const agentStreamUrl = context('agentStreamUrl');
if (!agentStreamUrl?.startsWith('wss://'))
  throw new Error('agentStreamUrl must be a wss:// URL (cdk.json or -c agentStreamUrl=…).');

new OutboundCallsStack(app, `OutboundCalls-${stage.name}`, {
  description: `Outbound Calls service (${stage.name})`,
  env: process.env.CDK_DEFAULT_ACCOUNT
    ? { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION }
    : undefined,
  stage,
  agentStreamUrl,
  customDomain: domainName && certificateArn ? { domainName, certificateArn } : undefined,
  alarmEmail: context('alarmEmail'),
});
