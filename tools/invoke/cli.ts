import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { twilioSignature, type FormParams } from '#adapters/telephony/twilio-protocol';
import { localConfig, type LocalStackState } from '../../local/config.ts';
import { EVENTS_DIR, SIGN_WHEN_INVOKED } from './events.ts';
import { FUNCTIONS } from './functions.ts';

const USAGE = `Usage:
  npm run invoke -- <function> [event-file]     runs the function's handler once, in this process, against the
                                                running local stack (npm start), as sam local invoke would;
                                                the event defaults to events/<function>.json; prints the result
  npm run invoke -- env-json [--template <file>] [--out <dir>] [--host <name>]
                                                writes env.json (sam local invoke --env-vars) for the synthesized
                                                template's functions, and container-env.json (the emulators'
                                                endpoints), with the running stack's values; --host is how a
                                                container reaches this machine (default host.docker.internal)

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
 * SAM's `--env-vars` file: for each function of the template, its declared variables with the
 * running stack's values (SAM passes only variables the template declares); and the emulators'
 * endpoints and placeholder credentials for `--container-env-vars`, with 127.0.0.1 and localhost
 * replaced by the name a container reaches this machine by.
 */
function writeEnvJson(options: { template?: string; out?: string; host?: string }): string[] {
  const template = options.template ?? findTemplate();
  const resources =
    (
      JSON.parse(readFileSync(template, 'utf8')) as {
        Resources?: Record<
          string,
          { Type: string; Properties?: { Environment?: { Variables?: Record<string, unknown> } } }
        >;
      }
    ).Resources ?? {};
  const state = runningStack();
  const host = options.host ?? 'host.docker.internal';
  const reach = (value: string) => value.replace(/\/\/(127\.0\.0\.1|localhost)(?=[:/]|$)/g, `//${host}`);
  const envJson: Record<string, Record<string, string>> = {};
  for (const [logicalId, resource] of Object.entries(resources)) {
    if (resource.Type !== 'AWS::Lambda::Function') continue;
    const variables = resource.Properties?.Environment?.Variables ?? {};
    envJson[logicalId] = Object.fromEntries(
      Object.entries(variables).map(([key, value]) => [
        key,
        key in state.environment ? reach(state.environment[key] as string) : typeof value === 'string' ? value : '',
      ]),
    );
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
  const written = [join(dir, 'env.json'), join(dir, 'container-env.json')];
  writeFileSync(written[0] as string, `${JSON.stringify(envJson, null, 2)}\n`);
  writeFileSync(written[1] as string, `${JSON.stringify(containerEnv, null, 2)}\n`);
  return written;
}

/** The synthesized stack template with functions in cdk.out (run `npx cdk synth` first). */
function findTemplate(): string {
  const dir = resolve('cdk.out');
  const templates = existsSync(dir)
    ? readdirSync(dir)
        .filter((file) => file.endsWith('.template.json'))
        .map((file) => join(dir, file))
        .filter((file) => readFileSync(file, 'utf8').includes('"AWS::Lambda::Function"'))
    : [];
  if (templates.length !== 1)
    throw new UsageError(
      templates.length === 0
        ? 'No synthesized template in cdk.out: run `npx cdk synth` first, or pass --template.'
        : `Several templates in cdk.out (${templates.join(', ')}): pass --template.`,
    );
  return templates[0] as string;
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
