import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { freePort } from '../../platform/temporal-dev-server';
import { dropDatabase } from '../helpers/databases';
import { eventually, http, payFeeAtCounter, SAMPLE_SUBMISSION, startProcess, uniqueKey, type ProcessUnderTest } from '../helpers/stack';

/**
 * `npm start` as a newcomer runs it: it creates and migrates its own database, starts a
 * persistent Temporal dev server with its Web UI, the worker and the API. A dossier begun
 * before the whole system is stopped (SIGTERM) is finished after it is started again.
 */
describe('npm start: whole-system restart', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dossier-system-'));
  const dbUrl = new URL(inject('databaseUrl'));
  dbUrl.pathname = `${dbUrl.pathname}_system`;
  let system: ProcessUnderTest | undefined;

  afterAll(async () => {
    if (system && system.child.exitCode === null) system.child.kill('SIGKILL');
    await dropDatabase(dbUrl.toString());
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  async function ports() {
    return { api: await freePort(), temporal: await freePort(), ui: await freePort() };
  }

  async function start(p: { api: number; temporal: number; ui: number }) {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PORT: String(p.api),
      TEMPORAL_PORT: String(p.temporal),
      TEMPORAL_UI_PORT: String(p.ui),
      DATA_DIR: dataDir,
      DATABASE_URL: dbUrl.toString(),
      REDIS_URL: inject('redisUrl'),
      QUEUE_PREFIX: `${inject('runId')}-system`,
      TEMPORAL_TASK_QUEUE: `system-${process.pid}`,
      TEMPORAL_CLI: inject('temporalCli'),
      // The suite polls the public lookup; the limiter has its own tests.
      PUBLIC_RATE_LIMIT_PER_MINUTE: '0',
    };
    delete env.TEMPORAL_ADDRESS;
    delete env.WORKFLOW_BUNDLE_PATH;
    system = await startProcess('npm start', path.join('scripts', 'start.ts'), env, /start: ready/, 150_000);
    return system;
  }

  async function stop(s: ProcessUnderTest) {
    await s.signal('SIGTERM');
    expect(await s.exited).toBe(0);
    expect(s.output()).toContain('start: stopped');
  }

  it('reaches /ready with the Temporal UI up, and finishes after a full restart a dossier started before it', async () => {
    const p1 = await ports();
    const s1 = await start(p1);
    const base1 = `http://127.0.0.1:${p1.api}`;
    expect((await http('GET', `${base1}/ready`)).status).toBe(200);
    const health = await http('GET', `${base1}/health`);
    expect(health.body.checks).toMatchObject({ postgres: { ok: true }, redis: { ok: true }, temporal: { ok: true } });
    expect((await fetch(`http://127.0.0.1:${p1.ui}/`)).status).toBe(200);
    expect((await http('GET', `${base1}/api/docs`)).status).toBe(200);
    expect(s1.output()).toContain(`Temporal UI  http://127.0.0.1:${p1.ui}`);

    const submitted = await http('POST', `${base1}/api/v1/dossiers`, { body: SAMPLE_SUBMISSION, headers: { 'Idempotency-Key': uniqueKey('system') } });
    expect(submitted.status).toBe(201);
    const code = submitted.body.code;
    await eventually(() => http('GET', `${base1}/api/v1/status/${code}?check=${SAMPLE_SUBMISSION.applicant.idNumber.slice(-4)}`), (r) => r.body.history?.length === 1);
    const accepted = await http('POST', `${base1}/api/v1/dossiers/${code}/intake/accept`, { headers: { 'X-User-Id': 'motcua.saigon' } });
    expect(accepted.status).toBe(200);
    await payFeeAtCounter(base1, code);
    await stop(s1);
    await expect(fetch(`${base1}/health`)).rejects.toThrow();
    expect(fs.existsSync(path.join(dataDir, 'temporal.sqlite'))).toBe(true);

    // Everything comes back on new ports; the dossier's state lives in SQLite and PostgreSQL.
    const p2 = await ports();
    const s2 = await start(p2);
    const base2 = `http://127.0.0.1:${p2.api}`;
    // Issue 18: the assignment follows the acceptance's answer; a restart right after it finishes it.
    const before = await eventually(() => http('GET', `${base2}/api/v1/status/${code}?check=${SAMPLE_SUBMISSION.applicant.idNumber.slice(-4)}`), (r) => r.body.status?.code === 'IN_REVIEW');
    expect(before.body.status.code).toBe('IN_REVIEW');

    const officer = await http('GET', `${base2}/api/v1/dossiers/${code}`, { headers: { 'X-User-Id': 'motcua.saigon' } });
    const assignee = officer.body.assignee.userId;
    expect((await http('POST', `${base2}/api/v1/dossiers/${code}/review/proposal`, { body: { proposal: 'approve' }, headers: { 'X-User-Id': String(assignee) } })).status).toBe(200);
    expect((await http('POST', `${base2}/api/v1/dossiers/${code}/decision`, { body: { decision: 'approve' }, headers: { 'X-User-Id': 'lanhdao.saigon' } })).status).toBe(200);
    const done = await eventually(() => http('GET', `${base2}/api/v1/status/${code}?check=${SAMPLE_SUBMISSION.applicant.idNumber.slice(-4)}`), (r) => r.body.status?.code === 'COMPLETED');
    expect(done.body.history).toHaveLength(7);

    // The supervisor itself is killed hard: worker and API notice and stop; the orphaned
    // dev server is reaped by the next start, which reuses the same ports.
    const pids = [...s2.output().matchAll(/\(pid (\d+)\)/g)].map((m) => Number(m[1]));
    expect(pids).toHaveLength(2);
    s2.child.kill('SIGKILL');
    const alive = (pid: number) => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    await eventually(async () => pids.filter(alive), (left) => left.length === 0, 30_000);
    const orphan = Number(fs.readFileSync(path.join(dataDir, 'temporal.pid'), 'utf8'));
    expect(alive(orphan)).toBe(true);

    const s3 = await start(p2);
    expect(alive(orphan)).toBe(false);
    expect((await http('GET', `${base2}/api/v1/status/${code}?check=${SAMPLE_SUBMISSION.applicant.idNumber.slice(-4)}`)).body.status.code).toBe('COMPLETED');
    await stop(s3);
    expect(fs.existsSync(path.join(dataDir, 'temporal.pid'))).toBe(false);
  });
});
