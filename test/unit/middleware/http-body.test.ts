import middy from '@middy/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { httpBody } from '#handlers/middleware/http-body';

interface Event {
  body?: string;
  isBase64Encoded?: boolean;
  runScenario?: string;
}

/** What a handler behind httpBody sees. */
const seen = middy<Event, Event>()
  .use(httpBody<Event>())
  .handler(async (event) => structuredClone(event));

describe('httpBody: a handler reads the body as text, whatever API Gateway did to it', () => {
  it('decodes a base64-encoded body of any text, and says it is no longer encoded', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'grapheme' }), async (text) => {
        const event = { body: Buffer.from(text, 'utf8').toString('base64'), isBase64Encoded: true };
        expect(await seen(event, {} as never)).toEqual({ body: text, isBase64Encoded: false });
      }),
    );
  });

  it('leaves a body that is not encoded as it is, even one that looks like base64', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string(), fc.base64String()), async (text) => {
        expect(await seen({ body: text, isBase64Encoded: false }, {} as never)).toEqual({
          body: text,
          isBase64Encoded: false,
        });
      }),
    );
  });

  it('passes an event without a body untouched: a GET, or the simulator’s scenario event', async () => {
    expect(await seen({ isBase64Encoded: true }, {} as never)).toEqual({ isBase64Encoded: true });
    expect(await seen({ runScenario: 'CA123' }, {} as never)).toEqual({ runScenario: 'CA123' });
  });
});
