import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { dossierWorkflowId } from '../../domain/dossier-code';
import { loadConfig } from '../../platform/config';
import { eventually, http, payFeeAtCounter, submitSample, uniqueKey } from '../helpers/stack';
import { useStack } from '../helpers/use-stack';

/**
 * Issue 18: the worker split by role (WORKER_ROLE). A `workflows` process runs the dossier
 * workflows with their local activities (the events, the specialist's assignment), so it
 * answers an officer's action alone; the relays (the notifications' SMS) and activity tasks
 * wait for an `activities` process, and once one runs the dossier goes on to its end, each
 * event once and each SMS sent once.
 */
describe('worker roles: workflows and activities in two processes', () => {
  const { api, worker: workflows, startWorker } = useStack({ name: 'roles', worker: { WORKER_ROLE: 'workflows' } });

  it('answers the officer from the workflows process alone, which runs every workflow task; the SMS goes out once an activities process runs the relays', async () => {
    expect(workflows.output()).toContain('as workflows');
    const submitted = await submitSample(api.baseUrl, '001099004321', {}, 'roles');
    expect(submitted.status).toBe(201);
    const code: string = submitted.body.code;
    const dossierId: number = (await api.db('dossiers').where({ code }).first('id')).id;

    const accept = await http('POST', `${api.baseUrl}/api/v1/dossiers/${code}/intake/accept`, {
      headers: { 'X-User-Id': 'motcua.saigon', 'Idempotency-Key': uniqueKey('roles-accept') },
    });
    expect(accept.status).toBe(200);
    expect(accept.body.status.code).toBe('RECEIVED');
    await payFeeAtCounter(api.baseUrl, code);

    // The assignment is a local activity: the workflows process makes it.
    const assignee = await eventually(
      () => api.db('dossiers as d').join('users as u', 'u.id', 'd.assignee_id').where('d.id', dossierId).first('u.username'),
      (r) => !!r?.username,
    );
    // No relay runs yet: the SMS waits in the outbox, nothing is lost.
    await sleep(1500);
    expect(await api.db('notifications').where({ dossier_id: dossierId, channel: 'sms', status: 'sent' }).count('* as n').first()).toEqual({ n: 0 });

    const activities = await startWorker({ WORKER_ROLE: 'activities' });
    expect(activities.output()).toContain('as activities');
    await eventually(
      () => api.db('notifications').where({ dossier_id: dossierId, channel: 'sms', status: 'sent' }).select('template'),
      (rows) => rows.length >= 1,
    );
    const proposal = await http('POST', `${api.baseUrl}/api/v1/dossiers/${code}/review/proposal`, { body: { proposal: 'approve' }, headers: { 'X-User-Id': assignee.username } });
    expect(proposal.status).toBe(200);
    const decision = await http('POST', `${api.baseUrl}/api/v1/dossiers/${code}/decision`, { body: { decision: 'approve' }, headers: { 'X-User-Id': 'lanhdao.saigon' } });
    expect(decision.status).toBe(200);
    await eventually(
      () => http('GET', `${api.baseUrl}/api/v1/status/${code}`),
      (r) => r.body.status?.code === 'COMPLETED',
    );

    // Every workflow task of the dossier ran in the workflows process (identity pid@host), none in the other.
    const history = await api.temporal.workflow.getHandle(dossierWorkflowId(code)).fetchHistory();
    const identities = new Set(history.events!.flatMap((e) => (e.workflowTaskStartedEventAttributes?.identity ? [e.workflowTaskStartedEventAttributes.identity] : [])));
    expect([...identities].map((id) => id.split('@')[0])).toEqual([String(workflows.child.pid)]);

    const events = await api.db('dossier_events').where('dossier_id', dossierId).orderBy('seq').select('type');
    expect(new Set(events.map((e) => e.type)).size).toBe(events.length);
    const sms = await eventually(
      () => api.db('notifications').where({ dossier_id: dossierId, channel: 'sms', status: 'sent' }).select('template'),
      (rows) => rows.length >= 2,
    );
    expect(sms.map((r) => r.template).sort()).toEqual(['intake_accepted', 'result_delivered']);
  });

  it('refuses a role it does not know, naming the ones it does', () => {
    expect(loadConfig({}).workerRole).toBe('all');
    expect(() => loadConfig({ WORKER_ROLE: 'relays' })).toThrow(/WORKER_ROLE must be one of all, workflows, activities/);
  });
});
