/**
 * The opaque `nextCursor` of a paged listing: JSON, base64url-encoded (RFC 4648 §5), so it is safe
 * in a query string. The shape inside is each listing's own; callers check it as hostile input.
 */
export function encodeCursorToken(cursor: unknown): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

/** The JSON inside a cursor token, or undefined when the token is not base64url-encoded JSON. */
export function decodeCursorToken(value: string): unknown {
  try {
    return JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}
