import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { createDb, ensureDatabase, migrateAndSeed } from '../db/connection';
import { findTemporalCli } from '../platform/temporal-cli';
import { startDevServer } from '../platform/temporal-dev-server';
import { buildWorkflowBundle } from '../scripts/bundle-workflows';
import { ensureWebBuilt } from '../scripts/web-build';
import { dropDatabase } from './helpers/databases';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    temporalCli: string;
    databaseUrl: string;
    redisUrl: string;
    workflowBundlePath: string;
    runId: string;
  }
}

/**
 * Real components for the whole run: an ephemeral Temporal dev server on free ports
 * (same binary as `npm start`), a fresh PostgreSQL database migrated and seeded, and
 * one prebuilt workflow bundle for the worker processes the tests spawn, and the web front end
 * built (when its sources changed) for the API to serve.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const runId = `t${process.pid}${Date.now().toString(36)}`;
  // The portal and the console the API serves (and the browser suites drive): built when web/ changed.
  await ensureWebBuilt((line) => process.stdout.write(`global-setup: ${line}\n`));
  const baseUrl = process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/dossier_test';
  const redisUrl = process.env.TEST_REDIS_URL || process.env.REDIS_URL || 'redis://127.0.0.1:6379';

  // A fresh database each run: tests assert exact counts and sequences.
  await dropDatabase(baseUrl);
  await ensureDatabase(baseUrl);
  const db = createDb(baseUrl, { max: 2 });
  await migrateAndSeed(db);
  await db.destroy();

  const cli = findTemporalCli();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dossier-test-'));
  const server = await startDevServer({ cli, uiPort: false, logFile: path.join(tmp, 'temporal.log') });
  let workflowBundlePath: string;
  try {
    workflowBundlePath = await buildWorkflowBundle(path.join(tmp, 'workflow-bundle.js'));
  } catch (err) {
    await server.stop();
    throw err;
  }

  project.provide('temporalAddress', server.address);
  project.provide('temporalCli', cli);
  project.provide('databaseUrl', baseUrl);
  project.provide('redisUrl', redisUrl);
  project.provide('workflowBundlePath', workflowBundlePath);
  project.provide('runId', runId);

  return async () => {
    await server.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  };
}
