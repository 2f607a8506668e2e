import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { type CfnTemplate, danglingReferences, freeEditionTemplate } from './free-template.ts';
import { findSynthesizedTemplate } from '../synthesized-template.ts';

const USAGE = `Usage: npm run localstack:template -- [--template <file>] [--out <file>] [--code hot-reload|assets]

Writes the synthesized stack's template (npx cdk synth first) without what LocalStack's free plan
cannot deploy (the HTTP API and what needs it), for awslocal cloudformation deploy (docs/deploy.md).
  --template  the synthesized template (default: the one in cdk.out with the functions)
  --out       where to write it (default: cdk.out/<stack>.localstack-free.json)
  --code      hot-reload (default): each function runs its bundle directory in cdk.out, mounted by
              LocalStack; assets: the CDK bootstrap bucket (cdklocal bootstrap and publish-assets)`;

class UsageError extends Error {}

function main(argv: string[]): void {
  const { values } = parseArgs({
    args: argv,
    options: {
      template: { type: 'string' },
      out: { type: 'string' },
      code: { type: 'string', default: 'hot-reload' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  if (values.code !== 'hot-reload' && values.code !== 'assets')
    throw new UsageError(`--code must be hot-reload or assets (got "${values.code}").`);
  const templateFile = resolve(values.template ?? findSynthesizedTemplate((message) => new UsageError(message)));
  if (!existsSync(templateFile)) throw new UsageError(`No template ${templateFile}.`);
  const synthesized = JSON.parse(readFileSync(templateFile, 'utf8')) as CfnTemplate;
  const { template, removed, removedOutputs } = freeEditionTemplate(synthesized, {
    code: values.code,
    assetDir: dirname(templateFile),
  });
  if (values.code === 'hot-reload') {
    const missing = Object.values(template.Resources)
      .filter((resource) => resource.Type === 'AWS::Lambda::Function')
      .map((resource) => String(resource.Properties?.Code?.S3Key))
      .filter((directory) => !existsSync(directory));
    if (missing.length > 0)
      throw new Error(
        `No bundle at ${missing[0]} (and ${missing.length - 1} more): synthesize with \`npx cdk synth\` (it bundles every function) first.`,
      );
  }
  const dangling = danglingReferences(template);
  if (dangling.length > 0)
    throw new Error(`The cut-down template still refers to what it left out: ${dangling.join('; ')}`);
  const out = resolve(
    values.out ?? join(dirname(templateFile), `${basename(templateFile, '.template.json')}.localstack-free.json`),
  );
  writeFileSync(out, `${JSON.stringify(template, null, 1)}\n`);
  const byReason = new Map<string, number>();
  for (const reason of Object.values(removed)) {
    const key = reason.startsWith('needs') ? 'needs a left-out resource' : reason;
    byReason.set(key, (byReason.get(key) ?? 0) + 1);
  }
  console.log(`Wrote ${out}: ${Object.keys(template.Resources).length} resources.`);
  console.log(`Left out ${Object.keys(removed).length} resources:`);
  for (const [reason, count] of byReason) console.log(`  ${count} × ${reason}`);
  for (const [id, reason] of Object.entries(removed))
    if (reason.startsWith('needs')) console.log(`    ${id}: ${reason}`);
  if (removedOutputs.length > 0) console.log(`Left out outputs: ${removedOutputs.join(', ')}`);
}

try {
  main(process.argv.slice(2));
} catch (error) {
  const message = error instanceof Error ? error.message : String(error);
  const usage = error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
  console.error(usage ? `${message}\n\n${USAGE}` : message);
  process.exit(usage ? 2 : 1);
}
