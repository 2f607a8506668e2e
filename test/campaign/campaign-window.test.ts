import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Voisnap, type Call, type Campaign } from '../../sdk/typescript/src/index.ts';
import { windowOpenNow } from '../support/calling-windows.ts';
import { eventually, minutesFromNow, startTestApi, type TestApi } from '../support/local-api.ts';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const AGENT = 'agt_01HXK8Z3MNPQRS';
const ACTIVE = ['initiating', 'ringing', 'in_progress'];
const TERMINAL = ['completed', 'failed', 'no_answer', 'busy', 'cancelled', 'voicemail'];

/**
 * `npm run campaign` against the local stack with a calling window in each callee's time zone:
 * the calls really dial, `status` shows the counts move, pause / resume / cancel act on them, and a
 * suppressed number is never dialed (issue 12's "Done when", through the campaign command).
 */
describe('npm run campaign with a calling window, calls dialing', () => {
  let api: TestApi;
  let client: Voisnap;
  let dir: string;
  const run = async (args: string[]) => {
    const result = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'tools/campaign/cli.ts', ...args], {
      cwd: REPO_ROOT,
      env: { ...process.env, VOISNAP_BASE_URL: api.stack.url, VOISNAP_API_KEY: api.stack.apiKey },
    }).then(
      ({ stdout, stderr }) => ({ code: 0, output: stdout + stderr }),
      (error: { code?: number; stdout?: string; stderr?: string }) => ({
        code: error.code ?? -1,
        output: (error.stdout ?? '') + (error.stderr ?? ''),
      }),
    );
    return result;
  };
  const campaignNamed = async (name: string) => {
    for await (const campaign of client.campaigns.list({ pageSize: 100 })) if (campaign.name === name) return campaign;
    return undefined;
  };
  const callsOf = async (campaignId: string) => {
    const calls: Call[] = [];
    for await (const call of client.outboundCalls.list({ campaignId, pageSize: 100 })) calls.push(call);
    return new Map(calls.map((call) => [call.toNumber, call]));
  };
  const dialed = () => [...api.stack.simulatedCalls.calls.values()].map((call) => call.to);

  beforeAll(async () => {
    api = await startTestApi();
    client = new Voisnap({ apiKey: api.stack.apiKey, baseUrl: api.stack.url });
    dir = mkdtempSync(join(tmpdir(), 'campaign-window-'));
  });
  afterAll(async () => {
    await api.stack.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("names the line of the contact the API refused, counted in the file (before: always the request's first line)", async () => {
    // +1 500 numbers have no time zone to tell, so a window in the callee's zone cannot judge them.
    const file = join(dir, 'refused.csv');
    writeFileSync(file, 'phone,id,name\n+14155550161,a,A\n+14155550162,b,B\n+15005550104,c,C\n');
    const result = await run([
      'schedule',
      file,
      '--agent',
      AGENT,
      '--start',
      minutesFromNow(30),
      '--every',
      '2m',
      '--window',
      '09:00-20:00',
      '--campaign',
      'refused-row',
    ]);
    expect(result.code, result.output).toBe(1);
    expect(result.output).toContain('Stopped at line 4: ');
    expect(result.output).toContain('contacts.2.toNumber');
  });

  it('refuses window options it cannot send, with one line and exit code 2', async () => {
    const file = join(dir, 'one.csv');
    writeFileSync(file, 'phone,id,name\n+14155550199,c1,Ann\n');
    const base = ['schedule', file, '--agent', AGENT, '--start', minutesFromNow(60), '--every', '1m'];
    const noWindow = await run([...base, '--days', 'mon']);
    expect(noWindow.code).toBe(2);
    expect(noWindow.output).toContain('--days needs --window');
    const backwards = await run([...base, '--window', '18:00-09:00']);
    expect(backwards.code).toBe(2);
    expect(backwards.output).toContain('--window: start must be before end');
    const badZone = await run([...base, '--window', '09:00-17:00', '--time-zone', 'Mars/Olympus']);
    expect(badZone.code).toBe(2);
    expect(badZone.output).toContain('--time-zone:');
    expect(await campaignNamed('one')).toBeUndefined();
  }, 120_000);

  it('dials each contact inside its own zone’s window; status, pause, resume and cancel; a suppressed number is never dialed', async () => {
    const { areaCode, zone, window } = windowOpenNow();
    const open = Array.from({ length: 4 }, (_, i) => `+1${areaCode}555${2100 + i}`);
    const suppressed = `+1${areaCode}5553100`;
    // Tokyo (from the number's country code): the window is shut there now, so its call waits.
    const tokyo = '+81312345678';
    // The simulator's test range has no area, so no zone: --default-time-zone applies.
    const noZone = '+15005550101';
    await client.suppressions.add({ phoneNumber: suppressed, reason: 'asked not to be called' });
    const file = join(dir, 'window.csv');
    const rows = [...open, noZone, suppressed, tokyo].map((phone, i) => `${phone},cust_${i},Customer ${i}`);
    writeFileSync(file, `${['phone,id,name', ...rows].join('\n')}\n`);

    const scheduled = await run([
      'schedule',
      file,
      '--agent',
      AGENT,
      '--start',
      minutesFromNow(0),
      '--every',
      '3s',
      '--window',
      `${window.start}-${window.end}`,
      '--default-time-zone',
      zone,
    ]);
    expect(scheduled.code, scheduled.output).toBe(0);
    expect(scheduled.output).toContain(
      `Calls only ${window.start}–${window.end} on mon,tue,wed,thu,fri,sat,sun, in each callee's time zone (${zone} for numbers without one).`,
    );
    const campaign = (await campaignNamed('window')) as Campaign;
    expect(campaign).toMatchObject({ counts: { total: 7 }, callingWindow: { ...window, defaultTimeZone: zone } });
    const first = await callsOf(campaign.id);
    expect(first.get(suppressed)).toMatchObject({ status: 'cancelled', endReason: 'suppressed' });
    const waiting = first.get(tokyo) as Call;
    expect(waiting.status).toBe('scheduled');
    expect(
      DateTime.fromISO(waiting.scheduledFor as string)
        .setZone('Asia/Tokyo')
        .toFormat('HH:mm'),
    ).toBe(window.start);

    // status shows the counts move.
    await eventually(
      () => run(['status', '--campaign', 'window']),
      (status) => /^ {2}completed +[1-9]/m.test(status.output),
      180_000,
      'status showing a completed call',
    );

    const paused = await run(['pause', '--campaign', 'window']);
    const pausedAt = Date.now();
    expect(paused.output).toContain('Campaign "window" is paused');
    const settled = await eventually(
      () => callsOf(campaign.id),
      (calls) => [...calls.values()].every((call) => !ACTIVE.includes(call.status)),
      180_000,
      'no call under way',
    );
    for (const call of settled.values())
      if (call.initiatedAt) expect(Date.parse(call.initiatedAt)).toBeLessThanOrEqual(pausedAt);

    const resumed = await run(['resume', '--campaign', 'window']);
    expect(resumed.output).toContain('Campaign "window" is running again');
    const done = await eventually(
      () => callsOf(campaign.id),
      (calls) => [...calls.values()].filter((call) => TERMINAL.includes(call.status)).length === 6,
      240_000,
      'every call but Tokyo’s ended',
    );
    for (const number of [...open, noZone]) expect(done.get(number)?.status, number).toBe('completed');
    expect(done.get(tokyo)?.status).toBe('scheduled');
    expect(dialed()).not.toContain(suppressed);

    const cancelled = await run(['cancel', '--campaign', 'window']);
    expect(cancelled.output).toContain('Campaign "window" is cancelled');
    const status = await eventually(
      () => run(['status', '--campaign', 'window']),
      (result) => /^ {2}cancelled +2$/m.test(result.output) && /^ {2}completed +5$/m.test(result.output),
      90_000,
      'status showing 5 completed and 2 cancelled',
    );
    expect(status.output).toMatch(/^Campaign "window" \(cmp_\w+\): cancelled, 7 contacts$/m);
    expect((await client.outboundCalls.get(waiting.id)).status).toBe('cancelled');
    expect(dialed()).not.toContain(tokyo);
  }, 900_000);
});
