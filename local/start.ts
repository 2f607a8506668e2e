// The Lambda functions run on Node.js 22; the SDK's notice about local Node.js 20 is noise here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
import { rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ConfigError, localConfig, SETTINGS_USAGE, type LocalStackState } from './config.ts';
import { DEMO } from './demo-data.ts';
import { assertPortFree, checkJava, checkMoto, MissingPrerequisiteError } from './emulators.ts';

/** A command line or setting `npm start` cannot use: one line, then the usage; exit code 2. */
class UsageError extends Error {}

/**
 * `npm start`: the whole service on this machine. Ctrl-C or SIGTERM stops everything it started,
 * with one line; so does losing DynamoDB Local (moto is restarted: docs/local-stack.md).
 */
async function main(): Promise<void> {
  let help = false;
  try {
    help = parseArgs({ options: { help: { type: 'boolean', short: 'h' } } }).values.help ?? false;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (help) {
    console.log(SETTINGS_USAGE);
    return;
  }
  let config: ReturnType<typeof localConfig>;
  try {
    config = localConfig();
  } catch (error) {
    throw error instanceof ConfigError ? new UsageError(error.message) : error;
  }
  checkJava();
  checkMoto();
  await assertPortFree(config.apiPort, 'the HTTP API, PORT');
  await assertPortFree(config.dynamodbPort, 'DynamoDB Local, LOCAL_DYNAMODB_PORT');
  await assertPortFree(config.motoPort, 'moto, LOCAL_MOTO_PORT');
  console.log('Starting the Outbound Calls local stack…');
  let stopping = false;
  // Signals during start-up: the emulators die with this process (local/emulators.ts).
  let shutdown: (code: number) => Promise<void> = async () => process.exit(130);
  const stopOn = (signal: NodeJS.Signals) => process.on(signal, () => void shutdown(0));
  stopOn('SIGINT');
  stopOn('SIGTERM');
  stopOn('SIGHUP');
  // The service itself is loaded only now: a bad option or a missing prerequisite answers at once.
  const { startLocalStack } = await import('./stack.ts');
  const stack = await startLocalStack({
    apiPort: config.apiPort,
    dynamodb: { port: config.dynamodbPort, dataDir: config.dynamodbDataDir },
    moto: { port: config.motoPort },
    tableName: config.tableName,
    apiKey: config.apiKey,
    simulator: { timeScale: config.simulatorTimeScale },
    reconcileIntervalMs: config.reconcileIntervalMs,
    bindAddress: config.bindAddress,
    onFatal: (message) => {
      console.error(message);
      void shutdown(1);
    },
    onRestart: () => writeState(),
  });
  mkdirSync(config.dataDir, { recursive: true });
  const writeState = () => {
    const state: LocalStackState = {
      apiUrl: stack.url,
      dynamodbEndpoint: stack.dynamodbEndpoint,
      motoEndpoint: stack.motoEndpoint,
      tableName: stack.tableName,
      pid: process.pid,
      emulatorPids: stack.pids(),
      environment: stack.environment,
    };
    writeFileSync(config.stateFile, JSON.stringify(state, null, 2));
  };
  writeState();
  // From here a signal stops the stack in order: one line, no stack traces, every process gone.
  shutdown = async (code) => {
    if (stopping) return;
    stopping = true;
    console.log('\nStopping the local stack…');
    await stack.stop();
    rmSync(config.stateFile, { force: true });
    process.exit(code);
  };

  console.log(`
Outbound Calls API    ${stack.url}/api/v1/outbound-calls
API key (test mode)   ${stack.apiKey}
Demo agents           ${DEMO.agents.map((agent) => `${agent.id} (${agent.number})`).join(', ')}
DynamoDB Local        ${stack.dynamodbEndpoint}  table ${stack.tableName}
SQS and Scheduler     ${stack.motoEndpoint} (moto)
Carrier simulator     ${stack.url}/simulator  (test numbers: docs/test-numbers.md)
Data                  ${config.dataDir}  (npm run local:wipe deletes it)

Try it:
  curl -X POST ${stack.url}/api/v1/outbound-calls \\
    -H "Authorization: Bearer ${stack.apiKey}" \\
    -H "Content-Type: application/json" \\
    -d '{"agentId": "${DEMO.agents[0].id}", "toNumber": "+14155550199"}'

Press Ctrl-C to stop.`);
}

main().catch((error: unknown) => {
  if (error instanceof UsageError) {
    console.error(`${error.message}\n\n${SETTINGS_USAGE}`);
    process.exit(2);
  }
  if (error instanceof MissingPrerequisiteError) {
    console.error(error.message);
  } else {
    console.error('The local stack could not start:', error);
  }
  process.exit(1);
});
