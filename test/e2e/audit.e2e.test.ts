import { describe, expect, it } from 'vitest';
import { dossierClient, eventually, http, payFeeAtCounter, submitSample } from '../helpers/stack';
import { useStack } from '../helpers/use-stack';

/**
 * The audit log: every action with actor, role, agency, reason, before and after, readable
 * per dossier by its agency's supervisors, and append-only even for the table's owner.
 */
describe('audit log', () => {
  const { api, worker } = useStack({ name: 'audit', worker: { LOG_LEVEL: 'info' } });
  const { officer, assigneeOf } = dossierClient(() => api);

  it('records each action with who, in which role and agency, why, and the state before and after', async () => {
    const r = await submitSample(api.baseUrl, '079301117777', {}, 'audit');
    const code = r.body.code as string;
    await payFeeAtCounter(api.baseUrl, code);
    await officer(code, 'intake/accept', 'motcua.saigon', { note: 'Đủ hồ sơ' });
    const specialist = await assigneeOf(code);
    expect((await officer(code, 'cancel', specialist, { reason: 'thử' })).status).toBe(403); // refused, and audited as such
    await officer(code, 'cancel', 'lanhdao.saigon', { reason: 'Công dân đề nghị dừng qua điện thoại' });

    const trail = await eventually(
      () => http('GET', `${api.baseUrl}/api/v1/dossiers/${code}/audit`, { headers: { 'X-User-Id': 'giamsat.saigon' } }),
      (a) => a.status === 200 && a.body.entries.some((e: { action: string }) => e.action === 'dossier.cancelled') && a.body.entries.filter((e: { action: string }) => e.action.startsWith('POST')).length >= 4,
    );
    const entries = trail.body.entries as Array<{ action: string; actor: { kind: string; label: string | null; name: string | null; role: string | null }; reason: string | null; before: any; after: any; requestId: string | null }>;
    const accepted = entries.find((e) => e.action === 'dossier.intake_accepted')!;
    expect(accepted).toMatchObject({ actor: { kind: 'officer', name: 'Trần Thị Mai', role: 'one_stop_officer' }, reason: 'Đủ hồ sơ', before: { status: 'SUBMITTED' }, after: { status: 'RECEIVED' } });
    expect(accepted.after.appointmentAt).toEqual(expect.any(String));
    const cancelled = entries.find((e) => e.action === 'dossier.cancelled')!;
    expect(cancelled).toMatchObject({ actor: { name: 'Nguyễn Quốc Bảo', role: 'leader' }, reason: 'Công dân đề nghị dừng qua điện thoại', after: { status: 'CANCELLED' } });
    expect(entries.find((e) => e.action === 'dossier.submitted')!.actor).toMatchObject({ kind: 'citizen', name: 'Người nộp hồ sơ' });
    const requests = entries.filter((e) => e.action === 'POST /api/v1/dossiers/:code/cancel');
    expect(requests.map((e) => [e.actor.label, e.after.status])).toEqual(expect.arrayContaining([[specialist, 403], ['lanhdao.saigon', 200]]));
    expect(requests.every((e) => typeof e.requestId === 'string' && e.requestId.length >= 8)).toBe(true);
    expect(JSON.stringify(entries)).not.toContain('079301117777'); // a citizen's ID number is not copied into the log

    // Readable by the agency's supervisors and leaders, not by a specialist or another agency.
    expect((await http('GET', `${api.baseUrl}/api/v1/dossiers/${code}/audit`, { headers: { 'X-User-Id': specialist } })).status).toBe(403);
    expect((await http('GET', `${api.baseUrl}/api/v1/dossiers/${code}/audit`, { headers: { 'X-User-Id': 'lanhdao.tuphap' } })).status).toBe(404); // another agency: as if unknown (issue 14)
    expect((await http('GET', `${api.baseUrl}/api/v1/dossiers/${code}/audit`, { headers: { 'X-User-Id': 'lanhdao.saigon' } })).status).toBe(200);
  });

  it('is append-only: no update, delete or truncate, whoever asks', async () => {
    const [{ id }] = await api.db('audit_log').insert({ actor_kind: 'system', action: 'test.append_only' }).returning('id');
    await expect(api.db('audit_log').where({ id }).update({ reason: 'sửa lại' })).rejects.toThrow(/append-only/);
    await expect(api.db('audit_log').where({ id }).delete()).rejects.toThrow(/append-only/);
    await expect(api.db.raw('truncate audit_log')).rejects.toThrow(/append-only/);
    expect(await api.db('audit_log').where({ id }).first('reason')).toEqual({ reason: null });
  });

  it('carries the request id from the API into the workflow’s activities and the worker’s logs', async () => {
    const r = await submitSample(api.baseUrl, '079301118888', {}, 'audit');
    const code = r.body.code as string;
    await payFeeAtCounter(api.baseUrl, code);
    const requestId = `req-${process.pid}-${Date.now()}`;
    const accepted = await http('POST', `${api.baseUrl}/api/v1/dossiers/${code}/intake/accept`, { headers: { 'X-User-Id': 'motcua.saigon', 'X-Request-Id': requestId } });
    expect(accepted.status).toBe(200);
    expect(accepted.headers.get('x-request-id')).toBe(requestId);
    const lines = await eventually(
      async () => worker.output().split('\n').filter((l) => l.startsWith('{') && l.includes(requestId)),
      (found) => found.some((l) => l.includes('"activity":"acceptAndRecord"') && l.includes('activity completed')),
    );
    // The acceptance's look-up and event, one local activity (patch merged-records-v1).
    expect(lines.map((l) => JSON.parse(l))).toEqual(expect.arrayContaining([expect.objectContaining({ requestId, activity: 'acceptAndRecord', msg: 'activity completed' })]));
  });
});
