import { describe, expect, it } from 'vitest';
import { apiKeyHint, apiKeyMode, generateApiKey, hashApiKey } from '#domain/api-key';

describe('API keys', () => {
  it('generates keys of the documented shape, different every time', () => {
    const keys = new Set(Array.from({ length: 200 }, () => generateApiKey('live')));
    expect(keys.size).toBe(200);
    for (const key of keys) expect(key).toMatch(/^vsnp_live_[A-Za-z0-9]{32}$/);
    expect(apiKeyMode(generateApiKey('test'))).toBe('test');
  });

  it('recognises only well-formed keys', () => {
    expect(apiKeyMode(`vsnp_live_${'a'.repeat(32)}`)).toBe('live');
    for (const bad of [
      '',
      'vsnp_live_',
      `vsnp_prod_${'a'.repeat(32)}`,
      `vsnp_test_${'a'.repeat(31)}`,
      `vsnp_test_${'a'.repeat(31)}!`,
    ]) {
      expect(apiKeyMode(bad)).toBeNull();
    }
  });

  it('stores a hash and a hint, never the key', () => {
    const key = generateApiKey('test');
    expect(hashApiKey(key)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashApiKey(key)).not.toContain(key.slice(10));
    expect(apiKeyHint(key)).toBe(`vsnp_test_…${key.slice(-4)}`);
  });
});
