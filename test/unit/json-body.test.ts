import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ServiceError } from '#domain/errors';
import { checkJsonMediaType, jsonBody } from '#handlers/http/api-handler';

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

/** The media type a body is declared as: JSON (or none), else 415 naming Content-Type. */
describe('checkJsonMediaType', () => {
  const answer = (value: string | undefined) => {
    try {
      checkJsonMediaType(value);
      return 'taken';
    } catch (error) {
      if (!(error instanceof ServiceError)) throw error;
      expect(error).toMatchObject({
        kind: 'unsupported_media_type',
        code: 'unsupported_media_type',
        param: 'Content-Type',
      });
      return error.message;
    }
  };

  it('takes JSON however clients spell it, and a body sent without a Content-Type', () => {
    for (const value of [
      undefined,
      '',
      '  ',
      'application/json',
      'Application/JSON',
      'application/json;charset=UTF-8',
      'application/json; charset="utf-8"',
      'application/json ; charset=utf8',
      'application/json;',
      'application/json; charset=utf-8;',
      'application/json; version=2',
      'application/merge-patch+json',
      'application/vnd.api+json',
    ]) {
      expect(answer(value), JSON.stringify(value)).toBe('taken');
    }
  });

  it('refuses forms, text, other charsets and what is not a media type, saying what was sent', () => {
    expect(answer('application/x-www-form-urlencoded')).toBe(
      'The request body must be JSON, sent with "Content-Type: application/json"; this one is "application/x-www-form-urlencoded".',
    );
    expect(answer('application/json; charset=iso-8859-1')).toBe(
      'The request body must be UTF-8 JSON; its Content-Type names charset "iso-8859-1".',
    );
    expect(answer('json')).toContain('is not a media type');
    for (const value of [
      'text/plain',
      'text/json',
      'multipart/form-data; boundary=xyz',
      'application/jsonx',
      'application/json+x',
      'application/json, text/plain',
      'application/json; charset=utf-16',
      '*/*',
      'application/json; charset',
    ]) {
      expect(answer(value), value).not.toBe('taken');
    }
  });

  it('answers any header value with taken or a 415, never anything else, and the message stays short', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 300 }), fc.string({ unit: 'binary', maxLength: 300 })), (value) => {
        const result = answer(value);
        expect(result.length).toBeLessThan(300);
      }),
      { numRuns: 2000 },
    );
  });
});
