import { randomUUID } from 'node:crypto';
import { requestIdOf, withRequestId } from './http/request-id.ts';
import document from '../../docs/openapi.json' with { type: 'json' };

/** Serialised once per container: the document is part of the bundle, so serving it reads nothing. */
const body = JSON.stringify(document);

/** GET /api/v1/openapi.json: the OpenAPI document of the API (`npm run openapi` writes it). No API key. */
export const handler = async (event?: unknown) =>
  withRequestId(
    { statusCode: 200, headers: { 'content-type': 'application/json', 'cache-control': 'public, max-age=300' }, body },
    requestIdOf(event) ?? randomUUID(),
  );
