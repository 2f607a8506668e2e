import { describe, expect, it } from 'vitest';
import { connectStreamTwiml, encodeForm, isValidTwilioSignature, parseForm, providerEventOf, twilioSignature } from '#adapters/telephony/twilio-protocol';

// Twilio's own published request-validation examples (its helper libraries' test vectors).
const URL = 'https://mycompany.com/myapp.php?foo=1&bar=2';
const PARAMS = { CallSid: 'CA1234567890ABCDE', Caller: '+14158675309', Digits: '1234', From: '+14158675309', To: '+18005551212' };

describe('Twilio protocol', () => {
  it('signs requests exactly as Twilio does', () => {
    expect(twilioSignature('12345', URL, PARAMS)).toBe('RSOYDt4T1cUTdK1PDd93/VVr8B8=');
    // Repeated parameters are signed in sorted order, whatever order they came in.
    expect(twilioSignature('12345', URL, { 'MessagingBinding.Address': ['+1325xxxxxxx', '+1415xxxxxxx'] })).toBe('83O6e2vORAoJHUNzJjDWN1jz+BA=');
    expect(twilioSignature('12345', URL, { 'MessagingBinding.Address': ['+1415xxxxxxx', '+1325xxxxxxx'] })).toBe('83O6e2vORAoJHUNzJjDWN1jz+BA=');
  });

  it('accepts only a matching signature', () => {
    expect(isValidTwilioSignature('12345', URL, PARAMS, 'RSOYDt4T1cUTdK1PDd93/VVr8B8=')).toBe(true);
    expect(isValidTwilioSignature('12345', URL, PARAMS, undefined)).toBe(false);
    expect(isValidTwilioSignature('12345', URL, { ...PARAMS, Digits: '9999' }, 'RSOYDt4T1cUTdK1PDd93/VVr8B8=')).toBe(false);
    expect(isValidTwilioSignature('54321', URL, PARAMS, 'RSOYDt4T1cUTdK1PDd93/VVr8B8=')).toBe(false);
    expect(isValidTwilioSignature('12345', `${URL}&x=1`, PARAMS, 'RSOYDt4T1cUTdK1PDd93/VVr8B8=')).toBe(false);
  });

  it('round-trips form bodies with repeated parameters', () => {
    const params = { StatusCallbackEvent: ['initiated', 'ringing'], To: '+14155550199', Url: 'https://x.test/a?b=1&c=2' };
    expect(parseForm(encodeForm(params))).toEqual(params);
  });

  it('maps Twilio call statuses onto provider events', () => {
    const at = new Date('2025-06-16T14:00:00Z');
    expect(providerEventOf('initiated', at, {})).toBeNull();
    expect(providerEventOf('queued', at, {})).toBeNull();
    expect(providerEventOf('ringing', at, {})).toEqual({ kind: 'ringing', at });
    expect(providerEventOf('in-progress', at, { answeredBy: 'machine_end_beep' })).toEqual({ kind: 'answered', at, answeredBy: 'machine' });
    expect(providerEventOf('in-progress', at, { answeredBy: 'human' })).toEqual({ kind: 'answered', at, answeredBy: 'human' });
    expect(providerEventOf('completed', at, { durationSeconds: 214 })).toEqual({ kind: 'completed', at, durationSeconds: 214 });
    expect(providerEventOf('no-answer', at, {})).toEqual({ kind: 'no_answer', at });
    expect(providerEventOf('busy', at, {})).toEqual({ kind: 'busy', at });
    expect(providerEventOf('failed', at, {})).toEqual({ kind: 'failed', at, reason: 'provider_error' });
  });

  it('escapes what it puts in TwiML', () => {
    const twiml = connectStreamTwiml('wss://agents.test/s', 'https://api.test/a?x=1&y=2', { firstMessage: 'Hi "Jane" <3 & co' });
    expect(twiml).toContain('action="https://api.test/a?x=1&amp;y=2"');
    expect(twiml).toContain('value="Hi &quot;Jane&quot; &lt;3 &amp; co"');
  });
});
