import { afterAll } from 'vitest';
import { startAsNewWorker, stopLeftoverStacks } from './worker-state.ts';

/**
 * The setup file of the test files that share worker processes (vitest.config.ts, project
 * `integration`): each file starts with the worker's first environment and fresh project modules
 * (worker-state.ts), and the local stacks it left running are stopped after it.
 */
startAsNewWorker();
afterAll(stopLeftoverStacks);
