import { Aws, Fn, Stack, Validations, type RemovalPolicy } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import type { Binding } from './service-function.ts';

/**
 * The provider credentials, as JSON {twilioAccountSid, twilioAuthToken, simulatorAccountSid,
 * simulatorAuthToken}. CloudFormation generates the carrier simulator's pair; the operator puts
 * the Twilio account's pair in after deploying (docs/deploy.md). Until then the Twilio values are
 * empty, and calls made with live keys fail with "No Twilio credentials are configured".
 */
export class TelephonySecret extends Construct {
  readonly secret: secretsmanager.Secret;

  /** removalPolicy: whether the operator's Twilio credentials outlive the stack. */
  constructor(scope: Construct, id: string, props: { removalPolicy: RemovalPolicy }) {
    super(scope, id);
    // A Twilio-shaped account SID ("AC" and 32 hex digits) unique to this stack: its id's UUID.
    const stackUuid = Fn.select(2, Fn.split('/', Aws.STACK_ID));
    const simulatorAccountSid = Fn.join('', ['AC', Fn.join('', Fn.split('-', stackUuid))]);
    this.secret = new secretsmanager.Secret(this, 'Secret', {
      description:
        'Outbound Calls: Twilio credentials (set by the operator) and the carrier simulator credentials (generated)',
      generateSecretString: {
        secretStringTemplate: Stack.of(this).toJsonString({
          twilioAccountSid: '',
          twilioAuthToken: '',
          simulatorAccountSid,
        }),
        generateStringKey: 'simulatorAuthToken',
        passwordLength: 32,
        excludePunctuation: true,
      },
      removalPolicy: props.removalPolicy,
    });
    Validations.of(this.secret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'Twilio auth tokens are rotated in the Twilio console, not by a rotation Lambda; the operator then writes the new token here (docs/deploy.md).',
    });
  }

  /** Read access for the functions that talk to the provider or are the simulator. */
  get read(): Binding<{ TELEPHONY_SECRET_ARN: string }> {
    return { environment: { TELEPHONY_SECRET_ARN: this.secret.secretArn }, grant: (fn) => this.secret.grantRead(fn) };
  }
}
