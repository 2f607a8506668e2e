import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderArtifacts } from './artifacts.ts';

/** `npm run openapi`: regenerates docs/openapi.json and the TypeScript SDK's types from the zod schemas. */
for (const artifact of await renderArtifacts()) {
  const file = fileURLToPath(new URL(`../../${artifact.path}`, import.meta.url));
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, artifact.content);
  console.log(`wrote ${artifact.path}`);
}
