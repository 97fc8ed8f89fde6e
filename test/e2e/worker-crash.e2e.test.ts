import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { eventually, http, payFeeAtCounter, submitSample, uniqueKey } from '../helpers/stack';
import { useStack } from '../helpers/use-stack';

/**
 * The worker process dies with SIGKILL in the middle of the lifecycle: right after the
 * intake event is committed to PostgreSQL and before the activity reports back, the
 * worst moment for duplicates. A new worker process picks the dossier up, the pending
 * officer action completes, and the dossier finishes with every event logged once.
 */
describe('worker killed mid-lifecycle', () => {
  const marker = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'dossier-crash-')), 'crashed');
  // Both workers carry the fault; the marker file makes it strike once.
  const { api, worker: first, startWorker } = useStack({
    name: 'crash',
    worker: { DOSSIER_FAULT_CRASH_AFTER_EVENT: 'intake_accepted', DOSSIER_FAULT_MARKER: marker },
  });

  it('completes the same dossier after a restart, with no duplicated event-log rows', async () => {
    const submitted = await submitSample(api.baseUrl, '001099001234', {}, 'crash');
    expect(submitted.status).toBe(201);
    const code: string = submitted.body.code;
    const dossierId: number = (await api.db('dossiers').where({ code }).first('id')).id;
    await eventually(() => api.db('dossier_events').where('dossier_id', dossierId).count('* as n').first(), (r: any) => r.n === 1);

    // The officer's action is in flight when the worker dies.
    const acceptKey = uniqueKey('accept');
    const accept = (userKey: string) =>
      http('POST', `${api.baseUrl}/api/v1/dossiers/${code}/intake/accept`, { headers: { 'X-User-Id': 'motcua.saigon', 'Idempotency-Key': userKey } });
    const pending = accept(acceptKey);
    const exitCode = await first.exited;
    expect(exitCode).toBeNull(); // killed by a signal, not a clean exit
    expect(fs.existsSync(marker)).toBe(true);
    expect(await api.db('dossier_events').where({ dossier_id: dossierId, type: 'intake_accepted' }).count('* as n').first()).toEqual({ n: 1 });

    await startWorker();
    let answer = await pending;
    // If the HTTP call gave up waiting, the same key attaches to the same update.
    for (let i = 0; answer.status === 503 && i < 10; i++) answer = await accept(acceptKey);
    expect(answer.status).toBe(200);
    // Issue 18: received is the answer; the specialist is assigned right after it.
    expect(['RECEIVED', 'IN_REVIEW']).toContain(answer.body.status.code);
    await payFeeAtCounter(api.baseUrl, code);

    const assignee = await eventually(() => api.db('dossiers as d').join('users as u', 'u.id', 'd.assignee_id').where('d.id', dossierId).first('u.username'), (r) => !!r?.username);
    const proposal = await http('POST', `${api.baseUrl}/api/v1/dossiers/${code}/review/proposal`, {
      body: { proposal: 'approve' },
      headers: { 'X-User-Id': assignee.username },
    });
    expect(proposal.status).toBe(200);
    const decision = await http('POST', `${api.baseUrl}/api/v1/dossiers/${code}/decision`, {
      body: { decision: 'approve' },
      headers: { 'X-User-Id': 'lanhdao.saigon' },
    });
    expect(decision.status).toBe(200);

    const status = await eventually(
      () => http('GET', `${api.baseUrl}/api/v1/status/${code}`),
      (r) => r.body.status?.code === 'COMPLETED',
    );
    expect(status.body.history).toHaveLength(7);

    const events = await api.db('dossier_events').where('dossier_id', dossierId).orderBy('seq').select('seq', 'type');
    expect(events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(new Set(events.map((e) => e.type)).size).toBe(8);
    expect(await api.db('dossier_results').where('dossier_id', dossierId).count('* as n').first()).toEqual({ n: 1 });
    const sms = await eventually(
      () => api.db('notifications').where({ dossier_id: dossierId, channel: 'sms' }).select('template'),
      (rows) => rows.length >= 2,
    );
    expect(sms.map((r) => r.template).sort()).toEqual(['intake_accepted', 'result_delivered']);
  });
});
