import type { TestProject } from 'vitest/node';
import setupTestStack from '../test/global-setup';

/**
 * The same real components as `npm test` (an ephemeral Temporal dev server, a freshly
 * migrated and seeded database, one workflow bundle) and the same provided values, so the
 * suites use test/helpers/stack.ts as they are, but in a database of their own
 * (`dossier_faults`, or TEST_FAULTS_DATABASE_URL): the fault suite can run while `npm test`
 * runs on the same PostgreSQL.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const saved = process.env.TEST_DATABASE_URL;
  process.env.TEST_DATABASE_URL = process.env.TEST_FAULTS_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/dossier_faults';
  try {
    return await setupTestStack(project);
  } finally {
    if (saved === undefined) delete process.env.TEST_DATABASE_URL;
    else process.env.TEST_DATABASE_URL = saved;
  }
}
