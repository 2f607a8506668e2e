import openapiTS, { astToString, type OpenAPI3 } from 'openapi-typescript';
import { buildOpenApiDocument } from './document.ts';

/** A file `npm run openapi` writes, by its path from the repository root. */
export interface Artifact {
  path: string;
  content: string;
}

const TYPES_HEADER = `/**
 * The API's types, generated from docs/openapi.json by openapi-typescript (\`npm run openapi\`).
 * Do not edit: change the zod schemas in functions/schemas/ and regenerate.
 */

`;

/** docs/openapi.json, and the TypeScript SDK's types generated from it. */
export async function renderArtifacts(): Promise<Artifact[]> {
  const document = buildOpenApiDocument();
  const types = astToString(await openapiTS(document as unknown as OpenAPI3));
  return [
    { path: 'docs/openapi.json', content: `${JSON.stringify(document, null, 2)}\n` },
    { path: 'sdk/typescript/src/generated/api.ts', content: TYPES_HEADER + types },
  ];
}
