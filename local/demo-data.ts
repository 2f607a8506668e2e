import { apiKeyMode, hashApiKey } from '#domain/api-key';
import type { Directory } from '#ports/directory';
import type { Clock } from '#ports/clock';
import { addNumber, createAccount, createAgent, issueApiKey } from '#use-cases/manage-directory';

/**
 * The local stack's fixed demo data: what the API reference's examples name, so its curl commands
 * work against localhost with only the host and key changed. Documented in docs/local-stack.md.
 */
export const DEMO = {
  accountId: 'acc_demo',
  accountName: 'Demo account (local stack)',
  /** A test key: test keys never reach a real phone network. Override with LOCAL_API_KEY. */
  apiKey: 'vsnp_test_LocalDemoKeyDoNotUseInProduction',
  agents: [
    {
      id: 'agt_01HXK8Z3MNPQRS',
      name: 'Aria (appointment reminders)',
      defaultFirstMessage: 'Hi, this is Aria calling from Acme about your upcoming appointment.',
      number: '+14155550123',
    },
    {
      id: 'agt_01HXK8Z3MNPQRT',
      name: 'Max (follow-ups)',
      defaultFirstMessage: 'Hi, this is Max from Acme following up on your recent visit.',
      number: '+14155550124',
    },
  ],
} as const;

/** Seeds the demo account once; later starts find it and change nothing. */
export async function seedDemoData(deps: { directory: Directory; clock: Clock }, apiKey: string): Promise<void> {
  if (!(await deps.directory.getAccount(DEMO.accountId))) {
    await createAccount(deps, { id: DEMO.accountId, name: DEMO.accountName });
  }
  const mode = apiKeyMode(apiKey);
  if (!mode) throw new Error('LOCAL_API_KEY must look like vsnp_test_ followed by 32 letters and digits.');
  const keys = await deps.directory.listApiKeys(DEMO.accountId);
  if (!keys.some((key) => key.hash === hashApiKey(apiKey) && key.revokedAt === null)) {
    await issueApiKey(deps, { accountId: DEMO.accountId, mode, secret: apiKey });
  }
  for (const agent of DEMO.agents) {
    if (!(await deps.directory.getAgent(DEMO.accountId, agent.id))) {
      await createAgent(deps, {
        accountId: DEMO.accountId,
        id: agent.id,
        name: agent.name,
        defaultFirstMessage: agent.defaultFirstMessage,
      });
      await addNumber(deps, { accountId: DEMO.accountId, number: agent.number, agentId: agent.id });
    }
  }
}
