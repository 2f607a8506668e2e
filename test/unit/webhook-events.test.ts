import type { CallEventData } from '#schemas/webhooks';
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DnsWebhookUrlPolicy, isPublicAddress } from '#adapters/http/webhook-url-policy';
import { deliveryBackoffSeconds, eventId, eventsForChange, signatureHeader } from '#domain/webhook-events';
import type { StoredCall } from '#schemas/call';
import { aCall } from '../support/calls.ts';

const at = (call: StoredCall, status: StoredCall['status'], version: number): StoredCall => ({
  ...call,
  status,
  version,
  updatedAt: `2025-06-16T14:00:0${version}Z`,
});

describe('webhook events', () => {
  const created = aCall({}, new Date('2025-06-16T14:00:00Z'));

  it('turns status changes into events, and nothing else', () => {
    expect(eventsForChange(null, created).map((e) => e.type)).toEqual(['OutboundCallStatusChanged']);
    expect(eventsForChange(at(created, 'ringing', 3), at(created, 'in_progress', 4)).map((e) => e.type)).toEqual([
      'OutboundCallStatusChanged',
      'SessionStarted',
    ]);
    for (const terminal of ['completed', 'failed', 'no_answer', 'busy', 'cancelled', 'voicemail'] as const) {
      expect(eventsForChange(at(created, 'ringing', 3), at(created, terminal, 4)).map((e) => e.type)).toEqual([
        'OutboundCallStatusChanged',
        'SessionEnded',
      ]);
    }
    // A no-answer that will be retried goes back to scheduled: a change, not an end.
    expect(eventsForChange(at(created, 'ringing', 3), at(created, 'scheduled', 4)).map((e) => e.type)).toEqual([
      'OutboundCallStatusChanged',
    ]);
    expect(
      eventsForChange(at(created, 'initiating', 2), { ...at(created, 'initiating', 3), providerCallId: 'CA1' }),
    ).toEqual([]);
  });

  it('carries the public call and the previous status, never internals', () => {
    const [event] = eventsForChange(at(created, 'in_progress', 4), at(created, 'completed', 5)) as Array<{
      data: CallEventData;
    }>;
    expect(event?.data.previousStatus).toBe('in_progress');
    expect(event?.data.call.status).toBe('completed');
    expect(event?.data.call).not.toHaveProperty('accountId');
    expect(event?.data.call).not.toHaveProperty('providerCallId');
  });

  it('gives the same change the same event id, and different changes different ids', () => {
    const change = at(created, 'completed', 5);
    expect(eventId(change, 'SessionEnded')).toBe(eventId({ ...change }, 'SessionEnded'));
    expect(eventId(change, 'SessionEnded')).not.toBe(eventId(change, 'OutboundCallStatusChanged'));
    expect(eventId(change, 'SessionEnded')).not.toBe(eventId(at(created, 'completed', 6), 'SessionEnded'));
    expect(eventId(change, 'SessionEnded')).toMatch(/^evt_[0-9A-HJKMNP-TV-Z]{26}$/);
  });

  it('signs timestamp and body with every active secret', () => {
    const header = signatureHeader(['s1', 's2'], 1750082400, '{"a":1}');
    const expected = (secret: string) => createHmac('sha256', secret).update('1750082400.{"a":1}').digest('hex');
    expect(header).toBe(`t=1750082400,v1=${expected('s1')},v1=${expected('s2')}`);
  });

  it('backs off exponentially with jitter, capped at 15 minutes', () => {
    expect(deliveryBackoffSeconds(1, 1)).toBe(30);
    expect(deliveryBackoffSeconds(1, 0)).toBe(15);
    expect(deliveryBackoffSeconds(4, 1)).toBe(240);
    expect(deliveryBackoffSeconds(20, 1)).toBe(900);
    expect(deliveryBackoffSeconds(20, 0.5)).toBe(675);
  });
});

describe('webhook URLs in production (SSRF)', () => {
  const production = new DnsWebhookUrlPolicy({ allowLocalHttp: false });
  const local = new DnsWebhookUrlPolicy({ allowLocalHttp: true });

  it.each([
    'https://127.0.0.1/hooks',
    'https://10.0.0.1/hooks',
    'https://172.16.5.4/hooks',
    'https://192.168.1.10/hooks',
    'https://169.254.169.254/latest/meta-data',
    'https://[::1]/hooks',
    'https://[fd00::1]/hooks',
    'https://[::ffff:127.0.0.1]/hooks',
    'https://0.0.0.0/hooks',
    'https://100.64.0.1/hooks',
    'https://localhost/hooks',
  ])('refuses %s', async (url) => {
    expect(await production.check(url)).toMatch(/private, loopback or link-local/);
  });

  it('refuses plain http, credentials and nonsense', async () => {
    expect(await production.check('http://93.184.216.34/hooks')).toBe('url must use https.');
    expect(await production.check('http://localhost:8080/hooks')).toBe('url must use https.');
    expect(await production.check('https://user:pass@93.184.216.34/hooks')).toBe('url must not contain credentials.');
    expect(await production.check('not a url')).toMatch(/absolute URL/);
    expect(await production.check('https://no-such-host.invalid/hooks')).toMatch(/does not resolve/);
  });

  it('accepts a public address', async () => {
    expect(await production.check('https://93.184.216.34/hooks')).toBeNull();
    expect(isPublicAddress('8.8.8.8')).toBe(true);
  });

  it('allows http to this machine only in the local stack', async () => {
    expect(await local.check('http://localhost:8080/hooks')).toBeNull();
    expect(await local.check('http://127.0.0.1:8080/hooks')).toBeNull();
    expect(await local.check('http://10.0.0.1/hooks')).toBe('url must use https.');
  });
});
