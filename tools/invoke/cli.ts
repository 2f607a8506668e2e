import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { twilioSignature, type FormParams } from '#adapters/telephony/twilio-protocol';
import { localConfig, type LocalStackState } from '../../local/config.ts';
import { EVENTS_DIR, SIGN_WHEN_INVOKED } from './events.ts';
import { FUNCTIONS } from './functions.ts';
import { findSynthesizedTemplate } from '../synthesized-template.ts';

const USAGE = `Usage:
  npm run invoke -- <function> [event-file]     runs the function's handler once, in this process, against the
                                                running local stack (npm start), as sam local invoke would;
                                                the event defaults to events/<function>.json; prints the result
  npm run invoke -- env-json [--template <file>] [--out <dir>] [--host <name>]
                                                writes, from the synthesized template and the running stack,
                                                <template>.sam.json (the template for sam local invoke -t: each
                                                function also declares the emulators' endpoints) and env.json
                                                (--env-vars: every variable of each function, with the stack's
                                                values); --host is how a container reaches this machine
                                                (default host.docker.internal)

Functions: ${FUNCTIONS.join(', ')}`;

class UsageError extends Error {}

/** The running local stack's state file (.local/stack.json), or a usage error saying to start it. */
function runningStack(): LocalStackState & { environment: Record<string, string> } {
  const { stateFile } = localConfig();
  if (!existsSync(stateFile)) throw new Error('No local stack is running: start it with `npm start` first.');
  const state = JSON.parse(readFileSync(stateFile, 'utf8')) as LocalStackState;
  if (!state.environment) throw new Error('The running local stack is older than npm run invoke: restart it.');
  return state as LocalStackState & { environment: Record<string, string> };
}

/**
 * Invokes one handler with one event, as the Lambda runtime would: the stack's environment set
 * before the handler module loads (its composition reads it at import), a Lambda context for this
 * invocation (local/lambda-context.ts), and the result printed as JSON. A telephony event whose
 * X-Twilio-Signature is the placeholder is signed here for the running stack's webhook URL.
 */
async function invoke(name: string, eventFile: string | undefined): Promise<unknown> {
  if (!FUNCTIONS.includes(name)) throw new UsageError(`Unknown function "${name}".`);
  const file = resolve(eventFile ?? join(EVENTS_DIR, `${name}.json`));
  if (!existsSync(file)) throw new UsageError(`No event file ${file}.`);
  const event = JSON.parse(readFileSync(file, 'utf8'));
  const state = runningStack();
  Object.assign(process.env, {
    AWS_ACCESS_KEY_ID: process.env.AWS_ACCESS_KEY_ID ?? 'local',
    AWS_SECRET_ACCESS_KEY: process.env.AWS_SECRET_ACCESS_KEY ?? 'local',
    ...state.environment,
  });
  if (event?.headers?.['x-twilio-signature'] === SIGN_WHEN_INVOKED) signTelephonyEvent(event, state.environment);
  const { lambdaContext } = await import('../../local/lambda-context.ts');
  const { handler } = await import(`../../functions/handlers/${name}.ts`);
  return handler(event, lambdaContext(name));
}

/** Signs a telephony callback as the simulator would, for the URL the running stack checks. */
function signTelephonyEvent(
  event: { rawPath: string; rawQueryString?: string; body?: string; headers: Record<string, string> },
  environment: Record<string, string>,
) {
  const url = `${new URL(environment.TELEPHONY_WEBHOOK_BASE_URL as string).origin}${event.rawPath}${event.rawQueryString ? `?${event.rawQueryString}` : ''}`;
  const params: FormParams = {};
  for (const [key, value] of new URLSearchParams(event.body ?? '')) params[key] = value;
  event.headers['x-twilio-signature'] = twilioSignature(environment.SIMULATOR_AUTH_TOKEN as string, url, params);
}

/**
 * Variables the local stack sets in place of AWS's own wiring, which a function of the template
 * does not declare: the emulators' endpoints (every function), and for a function that reads the
 * telephony secret, the credentials the secret would hold (locally there is no secret:
 * TELEPHONY_SECRET_ARN stays empty and functions/adapters/telephony/credentials.ts reads these).
 */
function localWiring(declared: Record<string, unknown>, environment: Record<string, string>): string[] {
  const endpoints = Object.keys(environment).filter((name) => name.startsWith('AWS_ENDPOINT_URL'));
  const credentials =
    'TELEPHONY_SECRET_ARN' in declared
      ? [
          'TWILIO_ACCOUNT_SID',
          'TWILIO_AUTH_TOKEN',
          'TWILIO_API_BASE_URL',
          'SIMULATOR_ACCOUNT_SID',
          'SIMULATOR_AUTH_TOKEN',
        ].filter((name) => name in environment)
      : [];
  return [...endpoints, ...credentials].filter((name) => !(name in declared));
}

type TemplateResource = { Type: string; Properties?: { Environment?: { Variables?: Record<string, unknown> } } };

/**
 * What `sam local invoke` needs to run a function of the synthesized template against the running
 * local stack, written from both:
 * - `<template>.sam.json` beside the template (so the bundles' paths still resolve): the template
 *   with each function also declaring its local wiring (localWiring), because SAM passes a
 *   function only the variables its template declares, and `--container-env-vars` only applies
 *   with `--debug-port`;
 * - `env.json` (`--env-vars`): each function's variables in that template, with the running
 *   stack's values (the template's own literal where the stack sets none; an empty
 *   TELEPHONY_SECRET_ARN), 127.0.0.1 and localhost replaced by the name a container reaches this
 *   machine by;
 * - `container-env.json`: the emulators' endpoints alone, for `--container-env-vars` with `--debug-port`.
 */
function writeEnvJson(options: { template?: string; out?: string; host?: string }): string[] {
  const templateFile = resolve(options.template ?? findSynthesizedTemplate((message) => new UsageError(message)));
  const template = JSON.parse(readFileSync(templateFile, 'utf8')) as { Resources?: Record<string, TemplateResource> };
  const resources = template.Resources ?? {};
  const state = runningStack();
  const host = options.host ?? 'host.docker.internal';
  const reach = (value: string) => value.replace(/\/\/(127\.0\.0\.1|localhost)(?=[:/]|$)/g, `//${host}`);
  const envJson: Record<string, Record<string, string>> = {};
  for (const [logicalId, resource] of Object.entries(resources)) {
    if (resource.Type !== 'AWS::Lambda::Function') continue;
    const declared = resource.Properties?.Environment?.Variables ?? {};
    const wiring = localWiring(declared, state.environment);
    envJson[logicalId] = Object.fromEntries([
      ...Object.entries(declared).map(([key, value]) => [
        key,
        key in state.environment ? reach(state.environment[key] as string) : typeof value === 'string' ? value : '',
      ]),
      ...wiring.map((key) => [key, reach(state.environment[key] as string)]),
    ]);
    // The SAM template declares them, with the stack's values (env.json gives the same).
    resource.Properties = {
      ...resource.Properties,
      Environment: {
        Variables: { ...declared, ...Object.fromEntries(wiring.map((key) => [key, envJson[logicalId]?.[key]])) },
      },
    };
  }
  const containerEnv = {
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    ...Object.fromEntries(
      Object.entries(state.environment)
        .filter(([key]) => key.startsWith('AWS_'))
        .map(([key, value]) => [key, reach(value)]),
    ),
  };
  const dir = resolve(options.out ?? '.');
  const samTemplate = templateFile.replace(/(\.template)?\.json$/, '.sam.json');
  const written = [join(dir, 'env.json'), join(dir, 'container-env.json'), samTemplate];
  writeFileSync(written[0] as string, `${JSON.stringify(envJson, null, 2)}\n`);
  writeFileSync(written[1] as string, `${JSON.stringify(containerEnv, null, 2)}\n`);
  writeFileSync(samTemplate, `${JSON.stringify(template, null, 1)}\n`);
  return written;
}

async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      template: { type: 'string' },
      out: { type: 'string' },
      host: { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const [command, eventFile, ...extra] = positionals;
  if (!command || extra.length > 0) throw new UsageError('Name one function, and at most one event file.');
  if (command === 'env-json') {
    for (const file of writeEnvJson(values)) console.log(`Wrote ${file}`);
    return;
  }
  console.log(JSON.stringify((await invoke(command, eventFile)) ?? null, null, 2));
}

main(process.argv.slice(2)).then(
  () => process.exit(0),
  (error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      console.error(`${message}\n\n${USAGE}`);
      process.exit(2);
    }
    console.error(message);
    process.exit(1);
  },
);
