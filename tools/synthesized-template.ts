import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * The path of the synthesized stack template in `cdk.out` that holds the Lambda functions (the one
 * `npx cdk synth -c stage=dev` writes), for the command-line tools that read it. Throws the error
 * `usageError` makes, with one sentence saying what to do, when there is none or more than one.
 */
export function findSynthesizedTemplate(usageError: (message: string) => Error): string {
  const dir = resolve('cdk.out');
  const templates = existsSync(dir)
    ? readdirSync(dir)
        .filter((file) => file.endsWith('.template.json'))
        .map((file) => join(dir, file))
        .filter((file) => readFileSync(file, 'utf8').includes('"AWS::Lambda::Function"'))
    : [];
  if (templates.length !== 1)
    throw usageError(
      templates.length === 0
        ? 'No synthesized template in cdk.out: run `npx cdk synth -c stage=dev` first, or pass --template.'
        : `Several templates in cdk.out (${templates.join(', ')}): pass --template.`,
    );
  return templates[0] as string;
}
