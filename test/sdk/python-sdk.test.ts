import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CALLS, callReaches, startTestApi, type TestApi } from '../support/local-api.ts';
import { ahead } from '../support/dates-ahead.ts';

const DEMO_AGENT = 'agt_01HXK8Z3MNPQRS';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const EXAMPLES_DIR = `${REPO_ROOT}sdk/python/tests/reference_examples`;
/** The published reference, where the workspace has it beside the repository (shared/spec). */
const REFERENCE = fileURLToPath(new URL('../../../shared/spec/outbound-calls-api.md', import.meta.url));

/** The Python SDK's unittest suite (sdk/python/tests), run by `npm test` against the local stack. */
describe('the Python SDK', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi();
  });
  afterAll(() => api.stack.stop());

  it('passes its unittest suite, including the reference examples against the local stack, with nothing skipped', async () => {
    const { code, output } = await runPython(['-m', 'unittest', 'discover', '-s', 'sdk/python/tests', '-v'], {
      VOISNAP_BASE_URL: api.stack.url,
      VOISNAP_API_KEY: api.stack.apiKey,
    });
    expect(code, output).toBe(0);
    expect(output).toMatch(/^OK$/m);
    expect(output).not.toMatch(/skipped/);
    expect(output).toMatch(/test_batch_scheduling_script .* ok$/m);
    // The campaigns and suppressions methods against the stack (tests/test_live_campaigns.py).
    expect(output).toMatch(/test_campaign_in_the_callees_zone_pause_resume_cancel_and_suppression .* ok$/m);
    expect(output).toMatch(/test_campaigns_list_every_page_newest_first .* ok$/m);
    expect(output).toMatch(/test_suppressions_add_list_every_page_remove .* ok$/m);
  }, 900_000);

  it('runs the README’s examples against the local stack as written, with a completed call in the account', async () => {
    // A completed call to list, so the README's loop has something to go through.
    const created = await api.request('POST', CALLS, { body: { agentId: DEMO_AGENT, toNumber: '+15005550100' } });
    await callReaches(api, created.body.id, ['completed'], 90_000);
    const blocks = [
      ...readFileSync(`${REPO_ROOT}sdk/python/README.md`, 'utf8').matchAll(/```python\n([\s\S]*?)```/g),
    ].map((match) => match[1] as string);
    // The block that points the client at the local stack, and the one that runs the reference's examples.
    const local = blocks.find((block) => block.includes('base_url="http://localhost:3000"'));
    const examples = blocks.find((block) => block.includes('# Immediate'));
    expect(local && examples).toBeTruthy();
    const script = [
      'from voisnap import Voisnap',
      (local as string)
        .replace('http://localhost:3000', api.stack.url)
        .replace('vsnp_test_LocalDemoKeyDoNotUseInProduction', api.stack.apiKey),
      ahead(examples as string), // its 2030 dates kept in the future
      'print("scheduled call", client.outbound_calls.get(call.id).status)',
    ].join('\n');
    const { code, output } = await runPython(['-c', script], { PYTHONPATH: 'sdk/python' });
    expect(code, output).toBe(0);
    expect(output).toMatch(/^\+15005550100: completed \(\d+s\)$/m);
    expect(output).toMatch(/^scheduled call cancelled$/m);
  }, 180_000);

  it("keeps the reference's Python examples verbatim", () => {
    const files = readdirSync(EXAMPLES_DIR).filter((name) => name.endsWith('.py'));
    expect(files.sort()).toEqual(['batch_scheduling.py', 'cancel.py', 'immediate.py', 'list_calls.py', 'scheduled.py']);
    if (!existsSync(REFERENCE)) return;
    const reference = normalise(readFileSync(REFERENCE, 'utf8'));
    for (const file of files)
      expect(reference, file).toContain(normalise(readFileSync(`${EXAMPLES_DIR}/${file}`, 'utf8')).trim());
  });
});

/** The reference pads its blank code lines with a space. */
const normalise = (text: string) =>
  text
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n');

function runPython(args: string[], env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('python3', args, {
      cwd: REPO_ROOT,
      env: { ...process.env, ...env, PYTHONDONTWRITEBYTECODE: '1' },
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}
