import { awsClientOptions, type AwsClientEnv } from '../aws-client-options.ts';
import type { TwilioAccount } from './twilio-provider.ts';

export interface TelephonyCredentials {
  /** The real Twilio account; absent where only the simulator is used (the local stack, tests). */
  twilio: TwilioAccount | null;
  simulator: TwilioAccount;
}

/** With the Secrets Manager client's timeouts (aws-client-options.ts). */
interface CredentialsEnv extends AwsClientEnv {
  TELEPHONY_SECRET_ARN?: string;
  TWILIO_ACCOUNT_SID?: string;
  TWILIO_AUTH_TOKEN?: string;
  SIMULATOR_ACCOUNT_SID?: string;
  SIMULATOR_AUTH_TOKEN?: string;
}

const account = (sid: string | undefined, token: string | undefined): TwilioAccount | null =>
  sid && token ? { accountSid: sid, authToken: token } : null;

/**
 * Loads the provider credentials once per Lambda instance: from Secrets Manager in AWS, from
 * the environment locally. The promise is kept, so concurrent first uses share one request.
 */
export function telephonyCredentials(env: CredentialsEnv): () => Promise<TelephonyCredentials> {
  let loaded: Promise<TelephonyCredentials> | undefined;
  return () => {
    loaded ??= load(env).catch((error: unknown) => {
      loaded = undefined;
      throw error;
    });
    return loaded;
  };
}

async function load(env: CredentialsEnv): Promise<TelephonyCredentials> {
  let values = {
    twilioAccountSid: env.TWILIO_ACCOUNT_SID,
    twilioAuthToken: env.TWILIO_AUTH_TOKEN,
    simulatorAccountSid: env.SIMULATOR_ACCOUNT_SID,
    simulatorAuthToken: env.SIMULATOR_AUTH_TOKEN,
  };
  if (env.TELEPHONY_SECRET_ARN) {
    // Read once per Lambda instance: the client is a chunk of its own, not loaded at cold start.
    const { GetSecretValueCommand, SecretsManagerClient } = await import('@aws-sdk/client-secrets-manager');
    const secret = await new SecretsManagerClient(awsClientOptions(env)).send(
      new GetSecretValueCommand({ SecretId: env.TELEPHONY_SECRET_ARN }),
    );
    values = { ...values, ...(JSON.parse(secret.SecretString ?? '{}') as Partial<typeof values>) };
  }
  const simulator = account(values.simulatorAccountSid, values.simulatorAuthToken);
  if (!simulator)
    throw new Error('The carrier simulator credentials are missing (simulatorAccountSid, simulatorAuthToken)');
  return { twilio: account(values.twilioAccountSid, values.twilioAuthToken), simulator };
}

/** The Twilio account for live calls; a clear error where none is configured. */
export async function liveAccount(credentials: () => Promise<TelephonyCredentials>): Promise<TwilioAccount> {
  const { twilio } = await credentials();
  if (!twilio) throw new Error('No Twilio credentials are configured, so calls made with live keys cannot be placed');
  return twilio;
}
