import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../infra/constructs/bundling.ts';

/** The documentation a reader starts from: the README and every page in docs/. */
const DOCS = [
  'README.md',
  ...readdirSync(join(REPO_ROOT, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`),
];

/** Top-level entries of the repository (folders such as `local`, `.ci`; files such as `cdk.json`). */
const TOP_LEVEL = new Set(readdirSync(REPO_ROOT).filter((name) => name !== 'node_modules' && name !== '.git'));

/**
 * Paths the pages name on purpose that are not in the repository: what the tools create
 * (`.local/`, by npm start; `cdk.out/`, by cdk synth) and the organisation's shared design and
 * specification folder beside the repository (`shared/DESIGN.md`, `shared/spec/…`).
 */
const NOT_IN_THE_REPOSITORY = ['.local/', 'cdk.out/', 'shared/'];

/**
 * The repository paths a page mentions: the targets of its relative links, and code spans that
 * look like paths: `local/stack.ts`, `test/infra`, `docs/examples/verify-webhook.ts` (a first
 * segment that is a top-level entry, or a file name with an extension), but not URL paths
 * (`/api/v1/…`), URLs, templates (`functions/handlers/<name>.ts`, `@aws-sdk/*`) or fenced code.
 */
function pathsIn(doc: string): Array<{ path: string; from: string }> {
  const text = readFileSync(join(REPO_ROOT, doc), 'utf8').replace(/^```[\s\S]*?^```/gm, '');
  const links = [...text.matchAll(/\]\(([^)\s]+)\)/g)]
    .map(([, target]) => (target as string).split('#')[0] as string)
    .filter((target) => target !== '' && !/^[a-z]+:/i.test(target))
    .map((target) => ({ path: target, from: dirname(doc) }));
  const spans = [...text.matchAll(/`([^`\s]+)`/g)]
    .map(([, span]) => (span as string).replace(/[.,:;]$/, ''))
    .filter(
      (span) =>
        span.includes('/') &&
        !span.startsWith('/') &&
        !/[<>*{}…:=]/.test(span) &&
        (TOP_LEVEL.has(span.split('/')[0] as string) || /\.\w+$/.test(span)) &&
        !NOT_IN_THE_REPOSITORY.some((prefix) => span.startsWith(prefix)),
    )
    .map((span) => ({ path: span, from: '.' }));
  return [...links, ...spans];
}

describe('paths the documentation mentions', () => {
  it.each(DOCS)('%s names only files and folders that exist', (doc) => {
    const missing = pathsIn(doc)
      .filter(({ path, from }) => !existsSync(join(REPO_ROOT, from, path)))
      .map(({ path }) => path);
    expect(missing).toEqual([]);
  });

  it('finds the paths it is meant to check', () => {
    const found = pathsIn('docs/local-stack.md').map(({ path }) => path);
    expect(found).toEqual(
      expect.arrayContaining(['local/http-front.ts', 'functions/handlers/routes.ts', 'test-numbers.md']),
    );
  });
});
