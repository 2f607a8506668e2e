import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * The files that take longest (they start the local stack, bundle or synthesize every function,
 * or run `npm start` and the SDKs), longest first, as measured on a 2-core machine on 30 November
 * 2026. Starting them first keeps a long file from starting last and running alone while the
 * other workers sit idle; the rest follow in vitest's own order. A file missing here only starts
 * later: the order changes how long the run takes, never what it checks.
 */
export const SLOWEST_FILES = [
  'test/integration/local-stack.test.ts',
  'test/integration/invoke.test.ts',
  'test/infra/env-contract.test.ts',
  'test/infra/synth.test.ts',
  'test/campaign/campaign-window.test.ts',
  'test/sdk/python-sdk.test.ts',
  'test/campaign/campaign-command.test.ts',
  'test/sdk/sdk-packages.test.ts',
  'test/integration/api-conventions.test.ts',
  'test/integration/campaigns-e2e.test.ts',
  'test/integration/admin-first-message.test.ts',
  'test/integration/call-lifecycle-e2e.test.ts',
  'test/integration/no-double-dial.property.test.ts',
  'test/integration/campaign-sweeps.test.ts',
  'test/integration/webhooks.test.ts',
  'test/integration/chaos-network.test.ts',
  'test/integration/lost-answers-stack.test.ts',
  'test/infra/cdk-nag.test.ts',
  'test/integration/no-lost-call.test.ts',
  'test/integration/hostile-input.property.test.ts',
  'test/sdk/typescript-sdk-campaigns.test.ts',
  'test/integration/poison-records.property.test.ts',
  'test/integration/doc-commands.test.ts',
  'test/integration/hostile-routes.property.test.ts',
  'test/integration/slots-and-pacing.test.ts',
  'test/sdk/typescript-sdk.test.ts',
  'test/integration/suppressions.test.ts',
  'test/integration/list-shards.test.ts',
  'test/integration/frozen-dependency.test.ts',
  'test/integration/idempotency.test.ts',
];

/** Vitest's sequencer with the slowest files first (SLOWEST_FILES), for `sequence.sequencer`. */
export default class SlowestFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rank = (file: TestSpecification) => {
      const index = SLOWEST_FILES.indexOf(relative(file.project.config.root, file.moduleId).replaceAll('\\', '/'));
      return index === -1 ? SLOWEST_FILES.length : index;
    };
    return sorted
      .map((file, order) => ({ file, order }))
      .sort((a, b) => rank(a.file) - rank(b.file) || a.order - b.order)
      .map(({ file }) => file);
  }
}
