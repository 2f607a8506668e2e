import { describe, expect, it } from 'vitest';
import { ServiceError } from '#domain/errors';
import type { CallRepository } from '#ports/call-repository';
import type { Directory } from '#ports/directory';
import type { Caller } from '#schemas/directory';
import { createCall, type CreateCallDeps } from '#use-cases/create-call';
import { FAKE_ENVIRONMENT } from '../../bench/fake-environment.ts';
import { noMetrics } from '#ports/metrics';

/** Ports that fail the test if anything reaches them. */
const untouchable = <T extends object>(name: string) =>
  new Proxy({} as T, {
    get: (_target, property) => () => {
      throw new Error(`${name}.${String(property)} was used`);
    },
  });

const deps = (
  testCallsPlaceable: boolean,
  directory: Partial<Directory> = untouchable<Directory>('directory'),
): CreateCallDeps =>
  ({
    calls: untouchable<CallRepository>('calls'),
    metrics: noMetrics,
    directory,
    phoneZones: untouchable('phoneZones'),
    queue: untouchable('queue'),
    scheduler: untouchable('scheduler'),
    clock: { now: () => new Date('2026-06-01T12:00:00Z') },
    onDispatchFailed: () => {
      throw new Error('dispatch was attempted');
    },
    testCallsPlaceable,
  }) as CreateCallDeps;

const caller = (keyMode: Caller['keyMode']): Caller => ({ accountId: 'acc_1', keyMode, keyId: 'key_1' });
const command = (keyMode: Caller['keyMode']) => ({
  caller: caller(keyMode),
  request: { agentId: 'agt_01HXK8Z3MNPQRS', toNumber: '+14155550199' },
  rawRequest: {},
});

/**
 * A stage deployed without the carrier simulator (infra/stacks/stage-config.ts carrierSimulator):
 * a test key's call is refused at create, before anything is read or stored, and a call that was
 * already waiting when the simulator went away fails with provider_error instead of going nowhere.
 */
describe('test keys where no carrier simulator is deployed', () => {
  it("refuses a test key's call with 422 test_calls_unavailable, storing and dispatching nothing", async () => {
    const refused = await createCall(deps(false), command('test')).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ServiceError);
    expect(refused).toMatchObject({ kind: 'unprocessable', code: 'test_calls_unavailable' });
    expect((refused as Error).message).toMatch(/no carrier simulator.*live key/);
  });

  it("lets a live key's call through, and a test key's where the simulator is deployed", async () => {
    const noAgent = { getAgent: async () => null };
    for (const [placeable, mode] of [
      [false, 'live'],
      [true, 'test'],
    ] as const) {
      // Past the check, the request goes on to the agent lookup (none here: 400 agent_not_found).
      await expect(createCall(deps(placeable, noAgent), command(mode))).rejects.toMatchObject({
        code: 'agent_not_found',
      });
    }
  });

  it("fails a test key's waiting call with provider_error, where the dialer and reconciler are told of no simulator", async () => {
    const { SIMULATOR_API_BASE_URL: _absent, ...environment } = FAKE_ENVIRONMENT;
    Object.assign(process.env, environment);
    delete process.env.SIMULATOR_API_BASE_URL;
    const { providers } = await import('../../functions/handlers/composition/telephony.ts');
    const result = await providers.test.placeCall({
      callId: 'obc_1',
      attempt: 1,
      to: '+14155550199',
      from: '+14155550123',
    });
    expect(result).toMatchObject({
      placed: false,
      reason: 'provider_error',
      detail: expect.stringMatching(/no carrier simulator/),
    });
    expect(await providers.test.fetchOutcome('CA1')).toBeNull();
  });
});
