// The Lambda functions run on Node.js 22; the SDK's notice about local Node.js 20 is noise here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
import { rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { localConfig, type LocalStackState } from './config.ts';
import { DEMO } from './demo-data.ts';
import { assertPortFree, checkJava, checkMoto, MissingPrerequisiteError } from './emulators.ts';
import { startLocalStack } from './stack.ts';

/** `npm start`: the whole service on this machine. Ctrl-C stops everything it started. */
async function main(): Promise<void> {
  const config = localConfig();
  checkJava();
  checkMoto();
  await assertPortFree(config.apiPort, 'the HTTP API, PORT');
  await assertPortFree(config.dynamodbPort, 'DynamoDB Local, LOCAL_DYNAMODB_PORT');
  await assertPortFree(config.motoPort, 'moto, LOCAL_MOTO_PORT');
  console.log('Starting the Outbound Calls local stack…');
  const stack = await startLocalStack({
    apiPort: config.apiPort,
    dynamodb: { port: config.dynamodbPort, dataDir: config.dynamodbDataDir },
    moto: { port: config.motoPort },
    tableName: config.tableName,
    apiKey: config.apiKey,
    simulator: { timeScale: config.simulatorTimeScale },
    reconcileIntervalMs: config.reconcileIntervalMs,
  });
  mkdirSync(config.dataDir, { recursive: true });
  const state: LocalStackState = {
    apiUrl: stack.url,
    dynamodbEndpoint: stack.dynamodbEndpoint,
    motoEndpoint: stack.motoEndpoint,
    tableName: stack.tableName,
    pid: process.pid,
  };
  writeFileSync(config.stateFile, JSON.stringify(state, null, 2));

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

  let stopping = false;
  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    console.log('\nStopping the local stack…');
    await stack.stop();
    rmSync(config.stateFile, { force: true });
    process.exit(0);
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

main().catch((error: unknown) => {
  if (error instanceof MissingPrerequisiteError) {
    console.error(error.message);
  } else {
    console.error('The local stack could not start:', error);
  }
  process.exit(1);
});
