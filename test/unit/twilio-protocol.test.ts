import fc from 'fast-check';
import twilio from 'twilio';
import { describe, expect, it } from 'vitest';
import {
  answeredByOf,
  connectStreamTwiml,
  countOf,
  encodeForm,
  isValidTwilioSignature,
  parseForm,
  providerEventOf,
  twilioSignature,
} from '#adapters/telephony/twilio-protocol';
import { findElement, parseTwiml, TwimlParseError } from '#simulator/twiml-parser';
import { withoutDisallowedCharacters } from '#domain/text';
import { ANSWERED_BY } from '#schemas/call';

// Twilio's own published request-validation examples (its helper libraries' test vectors).
const URL = 'https://mycompany.com/myapp.php?foo=1&bar=2';
const PARAMS = {
  CallSid: 'CA1234567890ABCDE',
  Caller: '+14158675309',
  Digits: '1234',
  From: '+14158675309',
  To: '+18005551212',
};

describe('Twilio request signatures', () => {
  it('signs requests exactly as Twilio does', () => {
    expect(twilioSignature('12345', URL, PARAMS)).toBe('RSOYDt4T1cUTdK1PDd93/VVr8B8=');
    // Repeated parameters are signed in sorted order, whatever order they came in.
    expect(twilioSignature('12345', URL, { 'MessagingBinding.Address': ['+1325xxxxxxx', '+1415xxxxxxx'] })).toBe(
      '83O6e2vORAoJHUNzJjDWN1jz+BA=',
    );
    expect(twilioSignature('12345', URL, { 'MessagingBinding.Address': ['+1415xxxxxxx', '+1325xxxxxxx'] })).toBe(
      '83O6e2vORAoJHUNzJjDWN1jz+BA=',
    );
  });

  it('accepts only a matching signature', () => {
    expect(isValidTwilioSignature('12345', URL, PARAMS, 'RSOYDt4T1cUTdK1PDd93/VVr8B8=')).toBe(true);
    expect(isValidTwilioSignature('12345', URL, PARAMS, undefined)).toBe(false);
    expect(isValidTwilioSignature('12345', URL, { ...PARAMS, Digits: '9999' }, 'RSOYDt4T1cUTdK1PDd93/VVr8B8=')).toBe(
      false,
    );
    expect(isValidTwilioSignature('54321', URL, PARAMS, 'RSOYDt4T1cUTdK1PDd93/VVr8B8=')).toBe(false);
    expect(isValidTwilioSignature('12345', `${URL}&x=1`, PARAMS, 'RSOYDt4T1cUTdK1PDd93/VVr8B8=')).toBe(false);
  });

  // twilio-node's published port vectors (spec/unit/webhooks/webhooks.spec.js), and the service's own spellings.
  it.each([
    [
      'signed with :443, received with it',
      'https://example.com:443/path?test=param',
      'https://example.com:443/path?test=param',
    ],
    [
      'signed with :443, received without it',
      'https://example.com:443/path?test=param',
      'https://example.com/path?test=param',
    ],
    [
      'signed without a port, received without it',
      'https://example.com/path?test=param',
      'https://example.com/path?test=param',
    ],
    [
      'signed without a port, received with :443',
      'https://example.com/path?test=param',
      'https://example.com:443/path?test=param',
    ],
    [
      'signed without the port a local service listens on',
      'http://localhost/telephony/twilio/status?callId=obc_1&attempt=1',
      'http://localhost:3000/telephony/twilio/status?callId=obc_1&attempt=1',
    ],
    [
      'signed with :80 against a plain http URL',
      'http://api.test:80/telephony/twilio/answer?callId=obc_1&attempt=2',
      'http://api.test/telephony/twilio/answer?callId=obc_1&attempt=2',
    ],
  ])('accepts a signature %s, as Twilio’s helper library does', (_name, signedUrl, receivedUrl) => {
    const signature = twilio.getExpectedTwilioSignature('s3cr3t', signedUrl, PARAMS);
    expect(twilio.validateRequest('s3cr3t', signature, receivedUrl, PARAMS)).toBe(true);
    expect(isValidTwilioSignature('s3cr3t', receivedUrl, PARAMS, signature)).toBe(true);
  });

  it.each([
    ['another query', 'https://example.com/path?test=param', 'https://example.com/path?test=param2'],
    [
      'another port',
      'http://localhost:3001/telephony/twilio/status?callId=obc_1&attempt=1',
      'http://localhost:3000/telephony/twilio/status?callId=obc_1&attempt=1',
    ],
    [
      'another host',
      'https://evil.test/telephony/twilio/status?callId=obc_1&attempt=1',
      'https://api.test/telephony/twilio/status?callId=obc_1&attempt=1',
    ],
    ['another scheme', 'http://api.test/telephony/twilio/status', 'https://api.test/telephony/twilio/status'],
  ])('refuses a signature over %s, as Twilio’s helper library does', (_name, signedUrl, receivedUrl) => {
    const signature = twilio.getExpectedTwilioSignature('s3cr3t', signedUrl, PARAMS);
    expect(twilio.validateRequest('s3cr3t', signature, receivedUrl, PARAMS)).toBe(false);
    expect(isValidTwilioSignature('s3cr3t', receivedUrl, PARAMS, signature)).toBe(false);
  });

  it('signs any form body, repeated parameters included, as the helper library does', () => {
    const value = fc.string({ maxLength: 12 });
    fc.assert(
      fc.property(
        fc.dictionary(
          fc.string({ minLength: 1, maxLength: 10 }),
          fc.oneof(value, fc.array(value, { minLength: 1, maxLength: 4 })),
          { maxKeys: 6 },
        ),
        fc.constantFrom(
          'https://api.test/telephony/twilio/status?callId=obc_1&attempt=1',
          'http://localhost:3000/x?a=b',
        ),
        (params, url) => {
          // Through the wire: what the service parses from the body is what Twilio signed.
          const received = parseForm(encodeForm(params));
          const signature = twilio.getExpectedTwilioSignature('s3cr3t', url, received);
          expect(twilioSignature('s3cr3t', url, received)).toBe(signature);
          expect(isValidTwilioSignature('s3cr3t', url, received, signature)).toBe(true);
        },
      ),
    );
  });

  it('round-trips form bodies with repeated parameters', () => {
    const params = {
      StatusCallbackEvent: ['initiated', 'ringing'],
      To: '+14155550199',
      Url: 'https://x.test/a?b=1&c=2',
    };
    expect(parseForm(encodeForm(params))).toEqual(params);
  });
});

describe('Twilio reports', () => {
  const at = new Date('2025-06-16T14:00:00Z');

  it('maps Twilio call statuses onto provider events, carrying a verdict only when the report has one', () => {
    expect(providerEventOf('initiated', at, {})).toBeNull();
    expect(providerEventOf('queued', at, {})).toBeNull();
    expect(providerEventOf('ringing', at, {})).toEqual({ kind: 'ringing', at });
    expect(providerEventOf('in-progress', at, { answeredBy: 'machine_end_beep' })).toEqual({
      kind: 'answered',
      at,
      answeredBy: 'machine_end_beep',
    });
    // Before: a report without AnsweredBy meant "human", which overwrote the answer request's verdict.
    expect(providerEventOf('in-progress', at, {})).toEqual({ kind: 'answered', at });
    expect(providerEventOf('completed', at, { durationSeconds: 214 })).toEqual({
      kind: 'completed',
      at,
      durationSeconds: 214,
    });
    expect(providerEventOf('completed', at, {})).toEqual({ kind: 'completed', at });
    expect(providerEventOf('no-answer', at, {})).toEqual({ kind: 'no_answer', at });
    expect(providerEventOf('busy', at, {})).toEqual({ kind: 'busy', at });
    expect(providerEventOf('failed', at, {})).toEqual({ kind: 'failed', at, reason: 'provider_error' });
    // A number the network says does not exist fails the same way on every try; other SIP answers may not.
    for (const code of ['404', '410', '484', '604'])
      expect(providerEventOf('failed', at, { sipResponseCode: code })).toEqual({
        kind: 'failed',
        at,
        reason: 'invalid_number',
      });
    for (const code of ['480', '486', '500', '503', '603', '4040', ''])
      expect(providerEventOf('failed', at, { sipResponseCode: code })).toEqual({
        kind: 'failed',
        at,
        reason: 'provider_error',
      });
    expect(providerEventOf('canceled', at, { sipResponseCode: '404' })).toEqual({
      kind: 'failed',
      at,
      reason: 'provider_error',
    });
  });

  it('knows every AnsweredBy value Twilio documents, and nothing else', () => {
    for (const value of ANSWERED_BY) expect(answeredByOf(value)).toBe(value);
    expect(ANSWERED_BY).toEqual([
      'human',
      'unknown',
      'machine_start',
      'machine_end_beep',
      'machine_end_silence',
      'machine_end_other',
      'fax',
    ]);
    for (const value of [undefined, '', 'machine', 'HUMAN', 'robot']) expect(answeredByOf(value)).toBeUndefined();
  });

  it('reads counts only when they are whole non-negative numbers', () => {
    expect(countOf('0')).toBe(0);
    expect(countOf('214')).toBe(214);
    for (const value of [undefined, '', 'abc', '-5', '1.5', '1e3', ' 7', '99999999999'])
      expect(countOf(value)).toBeUndefined();
  });
});

/** One character of each class XML and the service care about, as UTF-16 (lone surrogates included). */
const anyCharacter = fc
  .oneof(
    fc.integer({ min: 0x00, max: 0x1f }),
    fc.integer({ min: 0x20, max: 0x7e }),
    fc.integer({ min: 0x7f, max: 0x9f }),
    fc.integer({ min: 0xa0, max: 0xd7ff }),
    fc.integer({ min: 0xd800, max: 0xdfff }),
    fc.integer({ min: 0xe000, max: 0xfffd }),
    fc.constantFrom(0xfffe, 0xffff, 0x26, 0x3c, 0x3e, 0x22, 0x27, 0x09, 0x0a, 0x0d),
    fc.integer({ min: 0x10000, max: 0x10ffff }),
  )
  .map((code) => (code > 0xffff ? String.fromCodePoint(code) : String.fromCharCode(code)));
const anyText = fc.array(anyCharacter, { maxLength: 40 }).map((chars) => chars.join(''));

/** The same document built by Twilio's own TwiML builder, from the text that may be in XML. */
function twilioBuilt(stream: string, action: string, parameters: Record<string, string>): string {
  const response = new twilio.twiml.VoiceResponse();
  const connect = response.connect({ action: withoutDisallowedCharacters(action) });
  const element = connect.stream({ url: withoutDisallowedCharacters(stream) });
  for (const [name, value] of Object.entries(parameters))
    element.parameter({ name: withoutDisallowedCharacters(name), value: withoutDisallowedCharacters(value) });
  return response.toString();
}

describe('TwiML the service writes', () => {
  it('escapes what it puts in TwiML', () => {
    const twiml = connectStreamTwiml('wss://agents.test/s', 'https://api.test/a?x=1&y=2', {
      firstMessage: 'Hi "Jane" <3 & co',
    });
    expect(twiml).toContain('action="https://api.test/a?x=1&amp;y=2"');
    expect(twiml).toContain('value="Hi &quot;Jane&quot; &lt;3 &amp; co"');
  });

  it('is well-formed whatever the text, and exactly what Twilio’s builder makes of it', () => {
    fc.assert(
      fc.property(anyText, anyText, (firstMessage, metadata) => {
        const parameters = { firstMessage, metadata, callId: 'obc_1' };
        const twiml = connectStreamTwiml('wss://agents.test/s', 'https://api.test/a?x=1&y=2', parameters);
        expect(twiml).toBe(twilioBuilt('wss://agents.test/s', 'https://api.test/a?x=1&y=2', parameters));
        const stream = findElement(parseTwiml(twiml), 'Stream');
        const values = Object.fromEntries(stream?.children.map((p) => [p.attributes.name, p.attributes.value]) ?? []);
        expect(values).toEqual({
          firstMessage: withoutDisallowedCharacters(firstMessage),
          metadata: withoutDisallowedCharacters(metadata),
          callId: 'obc_1',
        });
      }),
      { numRuns: 300 },
    );
  });

  it('drops the control character of the issue’s example (before: the answer was XML no parser accepts)', () => {
    const twiml = connectStreamTwiml('wss://agents.test/s', 'https://api.test/a', {
      firstMessage: 'Hello\u0001 there',
    });
    expect(twiml).toContain('value="Hello there"');
    expect(() => parseTwiml(twiml)).not.toThrow();
  });
});

describe('the simulator’s strict TwiML reader', () => {
  it('reads what Twilio’s builder writes', () => {
    const response = new twilio.twiml.VoiceResponse();
    response.say({ voice: 'alice' }, 'Tab\there & <there> "quoted" \u00e9\u{1F600}');
    response.pause({ length: 1 });
    response.hangup();
    const root = parseTwiml(response.toString());
    expect(root.name).toBe('Response');
    expect(root.children.map((c) => c.name)).toEqual(['Say', 'Pause', 'Hangup']);
    expect(root.children[0]?.text).toBe('Tab\there & <there> "quoted" \u00e9\u{1F600}');
    expect(
      parseTwiml('<?xml version="1.0"?>\n<!-- hi --><Response><Say><![CDATA[a < b]]></Say></Response>\n').children[0]
        ?.text,
    ).toBe('a < b');
  });

  it.each([
    ['a control character', '<Response><Say>Hello\u0001 there</Say></Response>'],
    ['a control character in an attribute', '<Response><Parameter name="a" value="x\u0008"/></Response>'],
    ['a lone surrogate', '<Response><Say>\uD800</Say></Response>'],
    ['U+FFFE', '<Response><Say>\uFFFE</Say></Response>'],
    ['a reference to a control character', '<Response><Say>&#1;</Say></Response>'],
    ['an unknown entity', '<Response><Say>&nbsp;</Say></Response>'],
    ['a bare ampersand', '<Response><Say>Tom & Jerry</Say></Response>'],
    ['"<" in an attribute', '<Response><Stream url="a<b"/></Response>'],
    ['an unquoted attribute', '<Response><Stream url=wss://x/></Response>'],
    ['a duplicated attribute', '<Response><Stream url="a" url="b"/></Response>'],
    ['a mismatched end tag', '<Response><Say>Hi</Response></Say>'],
    ['an unclosed element', '<Response><Say>Hi</Say>'],
    ['two roots', '<Response/><Response/>'],
    ['a document type declaration', '<!DOCTYPE x [<!ENTITY e "x">]><Response/>'],
    ['text before the root', 'hello<Response/>'],
    ['an empty document', ''],
  ])('refuses %s with Twilio error 12100', (_name, xml) => {
    expect(() => parseTwiml(xml)).toThrow(TwimlParseError);
    try {
      parseTwiml(xml);
    } catch (error) {
      expect((error as TwimlParseError).code).toBe(12100);
    }
  });
});
