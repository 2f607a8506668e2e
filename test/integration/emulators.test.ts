import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort, startDynamoDbLocal } from '../../local/emulators.ts';

describe('DynamoDB Local as the local stack and the tests start it', () => {
  it('leaves nothing in the temporary directory: the SQLite library it copies out is gone when it stops', async () => {
    const emulator = await startDynamoDbLocal({ port: await freePort() });
    let library: string | undefined;
    try {
      // The native library the JVM loaded, as Linux lists the process's mapped files.
      library = readFileSync(`/proc/${emulator.pid}/maps`, 'utf8')
        .split('\n')
        .map((line) => line.split(/\s+/).pop() ?? '')
        .find((path) => path.endsWith('libsqlite4java.so') && path.startsWith(tmpdir()));
      expect(library, 'a SQLite library copied into the temporary directory').toBeDefined();
      expect(dirname(library as string)).not.toBe(tmpdir());
    } finally {
      await emulator.stop();
    }
    expect(existsSync(library as string)).toBe(false);
    expect(existsSync(dirname(library as string))).toBe(false);
  });
});
