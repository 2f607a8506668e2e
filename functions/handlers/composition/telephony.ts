import { ulid } from 'ulid';
import { DynamoDbCallRateLimiter } from '#adapters/dynamodb/call-rate-limiter';
import { liveAccount, telephonyCredentials } from '#adapters/telephony/credentials';
import { TwilioProvider } from '#adapters/telephony/twilio-provider';
import type { CallTimingLimits } from '#domain/call-lifecycle';
import type { TelephonyProvider, TelephonyProviders } from '#ports/telephony';
import { TelephonyEnvSchema, parseEnv } from '#schemas/env';
import { calls, clock, db, reconcilerQueries, slotCounters, tableEnv } from './table.ts';
import { dispatchDeps, dispatchEnv, sweeps } from './dispatch.ts';
import { campaigns } from './campaigns.ts';
import { loggedFailure } from '../batch-failures.ts';
import { logger } from '../logger.ts';
import { metrics } from './observability.ts';

/** Providers, pacing and timing, for the functions that dial and follow calls. */
export const telephonyEnv = parseEnv(TelephonyEnvSchema, process.env);
export const credentials = telephonyCredentials(process.env);

/*
 * The settings read into plain constants, so that every adapter below is a pure expression
 * (a property read might have side effects, for all esbuild knows): a function that does not use
 * one (the telephony webhooks place no call, so need neither the providers nor the rate limiter
 * nor the campaigns) leaves it out of its bundle (docs/architecture.md, "Cold start").
 */
const { TWILIO_API_BASE_URL, SIMULATOR_API_BASE_URL, PROVIDER_CALLS_PER_SECOND } = telephonyEnv;
const { TABLE_NAME } = tableEnv;
const providerOptions = {
  webhookBaseUrl: telephonyEnv.TELEPHONY_WEBHOOK_BASE_URL,
  ringTimeoutSeconds: telephonyEnv.RING_TIMEOUT_SECONDS,
  maxCallDurationSeconds: telephonyEnv.MAX_CALL_DURATION_SECONDS,
};
const { webhookBaseUrl, ringTimeoutSeconds, maxCallDurationSeconds } = providerOptions;

/** Where the stage deploys no carrier simulator: test keys' calls are not placed, and say why. */
const noSimulator: TelephonyProvider = {
  placeCall: async () => ({
    placed: false,
    reason: 'provider_error',
    detail:
      'This deployment has no carrier simulator (stage setting carrierSimulator), so calls made with test keys cannot be placed',
  }),
  fetchOutcome: async () => null,
};

/** Test keys' calls always go to the simulator; live keys' calls to Twilio. */
export const providers: TelephonyProviders = {
  live: /* @__PURE__ */ new TwilioProvider({
    webhookBaseUrl,
    ringTimeoutSeconds,
    maxCallDurationSeconds,
    apiBaseUrl: TWILIO_API_BASE_URL,
    account: () => liveAccount(credentials),
  }),
  test: SIMULATOR_API_BASE_URL
    ? /* @__PURE__ */ new TwilioProvider({
        webhookBaseUrl,
        ringTimeoutSeconds,
        maxCallDurationSeconds,
        apiBaseUrl: SIMULATOR_API_BASE_URL,
        account: async () => (await credentials()).simulator,
      })
    : noSimulator,
};

export const limits: CallTimingLimits = {
  ringTimeoutSeconds: telephonyEnv.RING_TIMEOUT_SECONDS,
  maxCallDurationSeconds: telephonyEnv.MAX_CALL_DURATION_SECONDS,
  retryDelayUnitSeconds: dispatchEnv.RETRY_DELAY_UNIT_SECONDS,
  watchdogGraceSeconds: telephonyEnv.WATCHDOG_GRACE_SECONDS,
};

export const callEventDeps = {
  ...dispatchDeps,
  calls,
  slotCounters,
  newWaitToken: () => ulid(),
  limits,
  metrics,
  onDispatchFailed: (callId: string, error: unknown) =>
    logger.error('A retry could not be dispatched; the reconciler will dispatch it', {
      callId,
      ...loggedFailure(error),
    }),
};

/** `{ ...base, ...more }`, as a call esbuild may drop when unused (a spread in a literal it keeps). */
const extend = <A extends object, B extends object>(base: A, more: B): A & B => ({ ...base, ...more });

export const dialDeps = /* @__PURE__ */ extend(callEventDeps, {
  providers,
  // A campaign call's gate also asks its campaign (paused, cancelled, maxConcurrentCalls).
  campaigns,
  rateLimiter: /* @__PURE__ */ new DynamoDbCallRateLimiter(db, TABLE_NAME, PROVIDER_CALLS_PER_SECOND),
  sweepPageSize: telephonyEnv.CAMPAIGN_SWEEP_PAGE_SIZE,
  newConversationId: () => `conv_${ulid()}`,
  sleep: (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
  clock,
});

/** The reconciler's adapters; the handler adds its deadline and error reporting. */
export const reconcileDeps = /* @__PURE__ */ extend(callEventDeps, { providers, reconcilerQueries, campaigns, sweeps });
