import { existsSync, readFileSync, rmSync } from 'node:fs';
import { localConfig, type LocalStackState } from './config.ts';

/** `npm run local:wipe`: deletes the local stack's data, so the next `npm start` begins fresh. */
const config = localConfig();
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
