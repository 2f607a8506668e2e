import { isIP } from 'node:net';
import { join } from 'node:path';
import { DEMO } from './demo-data.ts';

/** A setting of `npm start` with a value it cannot use: the message says which and what it takes. */
export class ConfigError extends Error {}

/** The variables `npm start` reads, for its usage text. */
export const SETTINGS_USAGE = `Usage: npm start [-- --help]

Settings (environment variables; docs/local-stack.md):
  PORT (3000)  LOCAL_DYNAMODB_PORT (8000)  LOCAL_MOTO_PORT (5000)   ports, 0 to 65535
  LOCAL_DATA_DIR (.local)  LOCAL_TABLE_NAME (outbound-calls-local)  LOCAL_API_KEY (the demo key)
  SIMULATOR_TIME_SCALE (1)  LOCAL_RECONCILE_INTERVAL_SECONDS (60)   positive numbers
  LOCAL_BIND_ADDRESS (127.0.0.1; 0.0.0.0 for containers)  PYTHON (python3)  AGENT_STREAM_URL
  LOCAL_DYNAMODB_JAVA_OPTIONS (-Xms16m -Xmx256m …)`;

/**
 * The environment variable `name` as a number meeting `valid`, or `fallback` when it is unset or
 * empty. Throws a ConfigError ("NAME must be <what> (got "…").") for anything else. Shared with the
 * benchmarks (bench/settings.ts).
 */
export function numberSetting(name: string, fallback: number, valid: (n: number) => boolean, what: string): number {
  const text = process.env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || !valid(value)) throw new ConfigError(`${name} must be ${what} (got "${text}").`);
  return value;
}

const port = (name: string, fallback: number) =>
  numberSetting(name, fallback, (n) => Number.isInteger(n) && n >= 0 && n <= 65_535, 'a port number from 0 to 65535');
const positive = (name: string, fallback: number) => numberSetting(name, fallback, (n) => n > 0, 'a positive number');

/**
 * LOCAL_BIND_ADDRESS: where the HTTP front and moto listen. 127.0.0.1 by default (this machine
 * only); 0.0.0.0 (every address) lets a function in a `sam local invoke` container reach them.
 */
function bindAddress(): string {
  const text = process.env.LOCAL_BIND_ADDRESS;
  if (text === undefined || text === '') return '127.0.0.1';
  if (!isIP(text)) throw new ConfigError(`LOCAL_BIND_ADDRESS must be an IP address such as 0.0.0.0 (got "${text}").`);
  return text;
}

/** Settings of `npm start`, each overridable by an environment variable (docs/local-stack.md). */
export const localConfig = () => {
  const dataDir = process.env.LOCAL_DATA_DIR || join(process.cwd(), '.local');
  return {
    apiPort: port('PORT', 3000),
    dynamodbPort: port('LOCAL_DYNAMODB_PORT', 8000),
    motoPort: port('LOCAL_MOTO_PORT', 5000),
    simulatorTimeScale: positive('SIMULATOR_TIME_SCALE', 1),
    reconcileIntervalMs: positive('LOCAL_RECONCILE_INTERVAL_SECONDS', 60) * 1000,
    dataDir,
    dynamodbDataDir: join(dataDir, 'dynamodb'),
    stateFile: join(dataDir, 'stack.json'),
    tableName: process.env.LOCAL_TABLE_NAME || 'outbound-calls-local',
    apiKey: process.env.LOCAL_API_KEY || DEMO.apiKey,
    bindAddress: bindAddress(),
  };
};

/** What a running local stack writes for other commands (`npm run admin`) to find it. */
export interface LocalStackState {
  apiUrl: string;
  dynamodbEndpoint: string;
  motoEndpoint: string;
  tableName: string;
  pid: number;
  /** The emulators' process ids (DynamoDB Local, moto), rewritten when moto is restarted. */
  emulatorPids: number[];
  /** The functions' environment in this stack (no credentials), for `npm run invoke`. */
  environment?: Record<string, string>;
}
