import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ServiceError } from '#domain/errors';
import { jsonBody } from '#handlers/http/api-handler';

const parse = (body: string) => jsonBody({ body });
const refusal = (body: string) => {
  try {
    parse(body);
  } catch (error) {
    if (error instanceof ServiceError) return `${error.code}: ${error.message}`;
    throw error;
  }
  return null;
};

/** The API's JSON reader: what JSON.parse reads, except what two readers could read differently. */
describe('jsonBody', () => {
  it('reads every JSON document without repeated or prototype keys exactly as JSON.parse does', () => {
    const document = fc.jsonValue({ maxDepth: 6 }).filter((value) => !JSON.stringify(value).includes('"__proto__"'));
    fc.assert(
      fc.property(document, fc.boolean(), (value, pretty) => {
        const text = JSON.stringify(value, null, pretty ? 2 : undefined);
        expect(parse(text)).toEqual(JSON.parse(text));
      }),
      { numRuns: 500 },
    );
  });

  it('refuses a key repeated in one object, at any depth, however it is spelt', () => {
    expect(refusal('{"toNumber":"+14155550199","scheduledFor":"2030-01-01T00:00:00Z","scheduledFor":null}')).toContain(
      'repeats the key "scheduledFor"',
    );
    expect(refusal('{"metadata":{"a":{"b":1,"b":2}}}')).toContain('repeats the key "b"');
    expect(refusal('{"a":1,"\\u0061":2}')).toContain('repeats the key "a"');
    expect(refusal('[{"a":1},{"a":2}]')).toBeNull();
    expect(refusal('{"a":{"x":1},"b":{"x":1}}')).toBeNull();
    expect(refusal('{"a":"{\\"a\\":1,","b":"\\"a\\""}')).toBeNull();
  });

  it('refuses __proto__ as a key however it is spelt, and nesting deeper than 32 levels', () => {
    expect(refusal('{"__proto__":{}}')).toBe('invalid_json: The request body may not use "__proto__" as a key.');
    expect(refusal('{"a":1,"a":2}')).toBe('invalid_json: The request body repeats the key "a" in one object.');
    expect(refusal('{"m":{"\\u005f\\u005fproto\\u005f\\u005f":1}}')).toContain('__proto__');
    expect(refusal('{"text":"__proto__"}')).toBeNull();
    expect(refusal(`${'['.repeat(33)}${']'.repeat(33)}`)).toContain('32 levels');
    expect(refusal(`${'['.repeat(32)}${']'.repeat(32)}`)).toBeNull();
    expect(refusal('{"a":')).toContain('not valid JSON');
  });
});
