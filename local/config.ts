import { join } from 'node:path';
import { DEMO } from './demo-data.ts';

/** Settings of `npm start`, each overridable by an environment variable (docs/local-stack.md). */
export const localConfig = () => {
  const dataDir = process.env.LOCAL_DATA_DIR ?? join(process.cwd(), '.local');
  return {
    apiPort: Number(process.env.PORT ?? 3000),
    dynamodbPort: Number(process.env.LOCAL_DYNAMODB_PORT ?? 8000),
    motoPort: Number(process.env.LOCAL_MOTO_PORT ?? 5000),
    simulatorTimeScale: Number(process.env.SIMULATOR_TIME_SCALE ?? 1),
    reconcileIntervalMs: Number(process.env.LOCAL_RECONCILE_INTERVAL_SECONDS ?? 15) * 1000,
    dataDir,
    dynamodbDataDir: join(dataDir, 'dynamodb'),
    stateFile: join(dataDir, 'stack.json'),
    tableName: process.env.LOCAL_TABLE_NAME ?? 'outbound-calls-local',
    apiKey: process.env.LOCAL_API_KEY ?? DEMO.apiKey,
  };
};

/** What a running local stack writes for other commands (`npm run admin`) to find it. */
export interface LocalStackState {
  apiUrl: string;
  dynamodbEndpoint: string;
  motoEndpoint: string;
  tableName: string;
  pid: number;
}
