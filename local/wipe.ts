import { existsSync, readFileSync, rmSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ConfigError, localConfig, type LocalStackState } from './config.ts';

/** `npm run local:wipe`: deletes the local stack's data, so the next `npm start` begins fresh. */
const USAGE = `Usage: npm run local:wipe

Deletes the local stack's data (LOCAL_DATA_DIR, default .local) while the stack is stopped; the
next npm start seeds the demo data again.`;

let help: boolean | undefined;
let config: ReturnType<typeof localConfig>;
try {
  help = parseArgs({ options: { help: { type: 'boolean', short: 'h' } } }).values.help;
  config = localConfig();
} catch (error) {
  const usage = error instanceof ConfigError || String((error as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS');
  console.error(usage ? `${(error as Error).message}\n\n${USAGE}` : String(error));
  process.exit(usage ? 2 : 1);
}
if (help) {
  console.log(USAGE);
  process.exit(0);
}
if (existsSync(config.stateFile)) {
  const state = JSON.parse(readFileSync(config.stateFile, 'utf8')) as LocalStackState;
  let running = true;
  try {
    process.kill(state.pid, 0);
  } catch {
    running = false;
  }
  if (running) {
    console.error(`The local stack is running (process ${state.pid}); stop it with Ctrl-C first, then wipe.`);
    process.exit(1);
  }
}
rmSync(config.dataDir, { recursive: true, force: true });
console.log(`Deleted ${config.dataDir}. The next npm start seeds the demo data again.`);
