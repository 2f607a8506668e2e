import * as z from 'zod/mini';
import { disallowedCharacter } from '#domain/text';

/**
 * Bounds on a call's `metadata`, chosen so that whatever is accepted can always be stored, put in
 * an event, and delivered, with room to spare:
 * - DynamoDB nests documents at most 32 levels deep, and the stored event item carries metadata
 *   four levels down (`data.call.metadata`); 10 leaves more than half the budget unused
 *   (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html).
 * - DynamoDB numbers hold 38 significant digits from 1E-130 to 9.99E+125; JSON numbers in
 *   JavaScript are exact only within ±(2^53 − 1). Within that range, and no closer to zero than
 *   1e-100 (or exactly 0), a number survives every hop unchanged.
 * - A call item may be 400 KB and an EventBridge or SQS entry 256 KB; 8 KB of metadata beside a
 *   4,000-character first message stays far below each.
 */
export const METADATA_LIMITS = {
  /** Encoded as JSON, in UTF-8 bytes. */
  bytes: 8192,
  /** Levels of objects and arrays, counting metadata itself as the first. */
  depth: 10,
  /** Keys in all objects together. */
  keys: 256,
  /** Characters in one key. */
  keyLength: 128,
  smallestNonZeroNumber: 1e-100,
} as const;

/**
 * Keys that name a JavaScript object's prototype machinery. A JSON parser turns them into data,
 * but many consumers of the data (this service's DynamoDB marshalling, customers' receivers that
 * copy objects) treat them as the prototype, so they are refused rather than silently mangled.
 */
const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** The first thing in `value` that breaks a bound, with the path to it; null when within them. */
export function metadataProblem(value: Record<string, unknown>): { path: string; message: string } | null {
  let keys = 0;
  const visit = (node: unknown, path: string, depth: number): { path: string; message: string } | null => {
    if (typeof node === 'string') {
      const bad = disallowedCharacter(node);
      return bad ? { path, message: `${path} contains the character ${bad}, which is not allowed in text.` } : null;
    }
    if (typeof node === 'number') {
      const magnitude = Math.abs(node);
      const exact = Number.isFinite(node) && magnitude <= Number.MAX_SAFE_INTEGER;
      if (!exact || (magnitude !== 0 && magnitude < METADATA_LIMITS.smallestNonZeroNumber)) {
        return {
          path,
          message: `${path} must be a finite number from -(2^53 - 1) to 2^53 - 1, and 0 or at least 1e-100 from zero.`,
        };
      }
      return null;
    }
    if (node === null || typeof node === 'boolean') return null;
    if (typeof node !== 'object') return { path, message: `${path} must be JSON.` };
    if (depth > METADATA_LIMITS.depth) {
      return { path, message: `metadata may nest objects and arrays at most ${METADATA_LIMITS.depth} levels deep.` };
    }
    if (Array.isArray(node)) {
      for (const [index, item] of node.entries()) {
        const problem = visit(item, `${path}[${index}]`, depth + 1);
        if (problem) return problem;
      }
      return null;
    }
    for (const key of Object.keys(node)) {
      keys += 1;
      if (keys > METADATA_LIMITS.keys)
        return { path, message: `metadata may have at most ${METADATA_LIMITS.keys} keys in all.` };
      const keyProblem =
        key.length === 0 || key.length > METADATA_LIMITS.keyLength
          ? `must be 1 to ${METADATA_LIMITS.keyLength} characters`
          : PROTOTYPE_KEYS.has(key)
            ? 'names JavaScript prototype machinery, which is not allowed'
            : disallowedCharacter(key)
              ? `contains the character ${disallowedCharacter(key)}, which is not allowed in text`
              : null;
      if (keyProblem) return { path, message: `A key of ${path} ${keyProblem}: ${JSON.stringify(key.slice(0, 40))}.` };
      const problem = visit((node as Record<string, unknown>)[key], `${path}.${key}`, depth + 1);
      if (problem) return problem;
    }
    return null;
  };
  return visit(value, 'metadata', 1);
}

/**
 * `metadata` as a request may send it: a JSON object within METADATA_LIMITS. (`__proto__` never
 * gets this far: the request body parser refuses it, because a copy of the object would drop it.)
 */
export const RequestMetadataSchema = z
  .record(z.string(), z.unknown(), { error: 'metadata must be a JSON object.' })
  .check(
    z.superRefine((value, context) => {
      const problem = metadataProblem(value);
      const bytes = problem ? 0 : Buffer.byteLength(JSON.stringify(value), 'utf8');
      const message = problem
        ? problem.message
        : bytes > METADATA_LIMITS.bytes
          ? `metadata must be at most ${METADATA_LIMITS.bytes} bytes when encoded as JSON (it is ${bytes}).`
          : null;
      if (message) context.addIssue({ code: 'custom', message, input: value });
    }),
  );
