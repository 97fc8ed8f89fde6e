import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { describe, expect, it } from 'vitest';
import { WorkingCalendar } from '../../domain/calendar';
import { VN_STATE_CALENDAR } from '../../domain/holidays-vn';
import { dossierWorkflowId } from '../../domain/dossier-code';
import { eventually, http, payFeeAtCounter, recordHistory, SAMPLE_SUBMISSION, uniqueKey } from '../helpers/stack';
import { useStack } from '../helpers/use-stack';

/**
 * The walking skeleton over HTTP on the real stack: the real worker process, a
 * Temporal dev server, PostgreSQL and Redis. The status lookup is checked after every step.
 */
describe('walking skeleton: online submission to completed dossier', () => {
  const { api, taskQueue } = useStack({ name: 'skeleton' });
  let code: string;
  let submissionKey: string;

  const status = () => http(`GET`, `${api.baseUrl}/api/v1/status/${code}`);
  const act = (action: string, user: string, body: unknown = {}, headers: Record<string, string> = {}) =>
    http('POST', `${api.baseUrl}/api/v1/dossiers/${code}/${action}`, { body, headers: { 'X-User-Id': user, ...headers } });

  it('a citizen submits online; a retry with the same Idempotency-Key returns the same dossier', async () => {
    const key = uniqueKey('submit');
    submissionKey = key;
    const first = await http('POST', `${api.baseUrl}/api/v1/dossiers`, { body: SAMPLE_SUBMISSION, headers: { 'Idempotency-Key': key } });
    expect(first.status).toBe(201);
    code = first.body.code;
    expect(code).toMatch(/^000\.20\.20\.H29-\d{6}-\d{4,}$/);
    expect(first.headers.get('location')).toBe(`/api/v1/dossiers/${code}`);

    const retry = await http('POST', `${api.baseUrl}/api/v1/dossiers`, { body: SAMPLE_SUBMISSION, headers: { 'Idempotency-Key': key } });
    expect(retry.status).toBe(200);
    expect(retry.body.code).toBe(code);
    expect(await api.db('dossiers').where('applicant_id_number', SAMPLE_SUBMISSION.applicant.idNumber).count('* as n').first()).toEqual({ n: 1 });

    const reused = await http('POST', `${api.baseUrl}/api/v1/dossiers`, {
      body: { ...SAMPLE_SUBMISSION, deliveryMethod: 'postal', applicant: { ...SAMPLE_SUBMISSION.applicant, address: 'Hà Nội' } },
      headers: { 'Idempotency-Key': key },
    });
    expect(reused.status).toBe(422);
    expect(reused.headers.get('content-type')).toContain('application/problem+json');

    // The workflow ID is derived from the dossier code.
    const description = await api.temporal.workflow.getHandle(dossierWorkflowId(code)).describe();
    expect(description.type).toBe('dossierWorkflow');
    expect(description.taskQueue).toBe(taskQueue);
    // The submission is the dossier's first event, recorded with it (fee fixed) and handed to the
    // workflow in its input; the start is marked when the answer goes (the reconciler leaves it alone).
    const stored = await api.db('dossiers').where('code', code).first('id', 'projection_seq', 'fee_status', 'workflow_started_at');
    expect(stored).toMatchObject({ projection_seq: 1, fee_status: expect.any(String), workflow_started_at: expect.any(Date) });
    expect(await api.db('dossier_events').where('dossier_id', stored.id).select('seq', 'type', 'actor_role')).toEqual([{ seq: 1, type: 'submitted', actor_role: 'applicant' }]);
    expect(await api.db('dossier_handoffs').where('dossier_id', stored.id).select('step', 'receiver_unit', 'closed_seq')).toEqual([{ step: 'intake', receiver_unit: 'Bộ phận Một cửa', closed_seq: null }]);
    const started = await api.temporal.workflow.getHandle(dossierWorkflowId(code)).fetchHistory();
    const startInput = JSON.parse(Buffer.from(started.events![0]!.workflowExecutionStartedEventAttributes!.input!.payloads![0]!.data!).toString('utf8'));
    expect(startInput.submitted).toEqual({ feeVnd: expect.any(Number), feeTiming: expect.any(String) });

    const s = await eventually(status, (r) => r.body.history?.length === 1);
    expect(s.status).toBe(200);
    expect(s.body).toMatchObject({
      code,
      procedure: { code: 'KT-HKD', name: 'Đăng ký thành lập hộ kinh doanh' },
      applicant: { fullName: 'N*** V*** A***' },
      receivedAt: null,
      appointmentAt: null,
      status: { code: 'SUBMITTED', label: 'Đã nộp, chờ tiếp nhận' },
    });
  });

  it('a one-stop officer accepts it at intake; the appointment date is computed in working days', async () => {
    // Household business registration: the time limit counts from the complete dossier and the
    // fee paid (ND 297/2025 art. 6(2)); the citizen pays at the counter before the officer receives it.
    await payFeeAtCounter(api.baseUrl, code);
    expect((await status()).body.fee).toEqual({ amountVnd: 50_000, status: 'paid' });

    const wrongRole = await act('intake/accept', 'chuyenvien.saigon1');
    expect(wrongRole.status).toBe(403);
    expect(wrongRole.body).toMatchObject({ reason: 'RoleRequired', detail: expect.stringContaining('cán bộ Bộ phận Một cửa') });

    const accepted = await act('intake/accept', 'motcua.saigon', { note: 'Hồ sơ đầy đủ' });
    expect(accepted.status).toBe(200);
    // Issue 18: the acceptance answers once the dossier is received; the specialist is assigned
    // right after the answer (IN_REVIEW when the answer is read back after that).
    expect(['RECEIVED', 'IN_REVIEW']).toContain(accepted.body.status.code);
    await eventually(() => status(), (r) => r.body.status?.code === 'IN_REVIEW', 10_000);

    // Three working days of working time from the moment of receipt, on the seeded calendar.
    const row = await api.db('dossiers').where({ code }).first('received_at', 'appointment_at', 'calendar_code', 'calendar_version');
    const exact = new WorkingCalendar(VN_STATE_CALENDAR).appointment(new Date(row.received_at), { unit: 'working_days', value: 3 });
    // Kept to the second (Form 01 prints hour and minute).
    const expected = new Date(Math.floor(exact.getTime() / 1000) * 1000);
    expect(new Date(row.appointment_at).getTime()).toBe(expected.getTime());
    expect(row).toMatchObject({ calendar_code: 'VN-STATE', calendar_version: 1 });

    const s = await status();
    expect(s.body.status).toEqual({ code: 'IN_REVIEW', label: 'Đang xử lý' });
    expect(s.body.receivedAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+07:00$/);
    expect(new Date(s.body.appointmentAt).getTime()).toBe(expected.getTime());
    expect(s.body.history.map((h: any) => h.status.code)).toEqual(['SUBMITTED', 'RECEIVED', 'IN_REVIEW']);

    const again = await act('intake/accept', 'motcua.saigon');
    expect(again.status).toBe(409);
  });

  it('the assigned specialist proposes approval; anyone else is refused', async () => {
    const assignee = await api.db('dossiers as d').join('users as u', 'u.id', 'd.assignee_id').where('d.code', code).first('u.username');
    const other = assignee.username === 'chuyenvien.saigon1' ? 'chuyenvien.saigon2' : 'chuyenvien.saigon1';
    const notMine = await act('review/proposal', other, { proposal: 'approve' });
    expect(notMine.status).toBe(409);
    expect(notMine.body).toMatchObject({ reason: 'NotAssignee', detail: expect.stringContaining('đang được phân công cho') });

    const badBody = await act('review/proposal', assignee.username, { proposal: 'maybe' });
    expect(badBody.status).toBe(422);

    // A double click or a network retry carries the same Idempotency-Key: one update, two identical answers.
    const key = uniqueKey('propose');
    const [proposed, replayed] = await Promise.all([
      act('review/proposal', assignee.username, { proposal: 'approve', note: 'Đủ điều kiện' }, { 'Idempotency-Key': key }),
      act('review/proposal', assignee.username, { proposal: 'approve', note: 'Đủ điều kiện' }, { 'Idempotency-Key': key }),
    ]);
    expect(proposed.status).toBe(200);
    expect(replayed.status).toBe(200);
    const dossierId = (await api.db('dossiers').where({ code }).first('id')).id;
    expect(await api.db('dossier_events').where({ dossier_id: dossierId, type: 'approval_proposed' }).count('* as n').first()).toEqual({ n: 1 });
    const s = await status();
    expect(s.body.status).toEqual({ code: 'AWAITING_DECISION', label: 'Chờ lãnh đạo phê duyệt' });
  });

  it('the leader approves; two decisions at once are applied once', async () => {
    const [a, b] = await Promise.all([
      act('decision', 'lanhdao.saigon', { decision: 'approve' }),
      act('decision', 'lanhdao.saigon', { decision: 'approve' }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const ok = a.status === 200 ? a : b;
    expect(ok.body.resultNumber).toMatch(/^\d{4}\/\d{4}\/KQ-000\.20\.20\.H29$/);

    const s = await status();
    expect(['APPROVED', 'RESULT_DELIVERED', 'COMPLETED']).toContain(s.body.status.code);
  });

  it('the result is delivered online and the dossier completes', async () => {
    const s = await eventually(status, (r) => r.body.status?.code === 'COMPLETED');
    expect(s.body.status).toEqual({ code: 'COMPLETED', label: 'Hoàn thành' });
    expect(s.body.history.map((h: any) => h.status.code)).toEqual([
      'SUBMITTED',
      'RECEIVED',
      'IN_REVIEW',
      'AWAITING_DECISION',
      'APPROVED',
      'RESULT_DELIVERED',
      'COMPLETED',
    ]);

    const handle = api.temporal.workflow.getHandle(dossierWorkflowId(code));
    expect((await handle.result()).status).toBe('COMPLETED');

    const dossier = await api.db('dossiers').where({ code }).first();
    const events = await api.db('dossier_events').where('dossier_id', dossier.id).orderBy('seq').select('seq', 'type');
    expect(events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(events.map((e) => e.type)).toEqual([
      'submitted',
      'fee_paid',
      'intake_accepted',
      'assigned',
      'approval_proposed',
      'approved',
      'result_delivered_online',
      'completed',
    ]);
    expect(dossier.result_number).toBeTruthy();
    expect(dossier.result_delivered_at).toBeTruthy();
    expect(dossier.completed_at).toBeTruthy();
    expect(await api.db('dossier_results').where('dossier_id', dossier.id).first('number')).toEqual({ number: dossier.result_number });

    // The citizen was told by SMS (BullMQ → sandbox gateway), once per notice.
    const sms = await eventually(
      () => api.db('notifications').where({ dossier_id: dossier.id, status: 'sent', channel: 'sms' }).orderBy('template').select('template', 'recipient'),
      (rows) => rows.length === 2,
    );
    expect(sms).toEqual([
      { template: 'intake_accepted', recipient: '0912345678' },
      { template: 'result_delivered', recipient: '0912345678' },
    ]);

    // The e-result: its owner downloads it; nobody else can.
    const stranger = await http('POST', `${api.baseUrl}/api/v1/citizen/dossiers/${code}/result`, { body: { idNumber: '001234567890' } });
    expect(stranger.status).toBe(404); // not theirs reads like an unknown code
    const eResult = await http('POST', `${api.baseUrl}/api/v1/citizen/dossiers/${code}/result`, { body: { idNumber: SAMPLE_SUBMISSION.applicant.idNumber } });
    expect(eResult.status).toBe(200);
    expect(eResult.headers.get('content-type')).toContain('text/html');
    expect(eResult.body).toContain(dossier.result_number);
    expect(eResult.body).toContain('Nguyễn Quốc Bảo'); // the signer
    expect(eResult.headers.get('repr-digest')).toMatch(/^sha-256=:.+:$/);

    // A late retry of the original submission returns the same dossier and starts nothing.
    const late = await http('POST', `${api.baseUrl}/api/v1/dossiers`, { body: SAMPLE_SUBMISSION, headers: { 'Idempotency-Key': submissionKey } });
    expect(late.status).toBe(200);
    expect(late.body.status.code).toBe('COMPLETED');
    expect((await handle.describe()).status.name).toBe('COMPLETED');
    expect(await api.db('dossier_events').where('dossier_id', dossier.id).count('* as n').first()).toEqual({ n: 8 });

    if (process.env.RECORD_HISTORIES === '1') recordHistory('walking-skeleton', historyToJSON(await handle.fetchHistory()));
  });

  it('an officer action on an unknown dossier or by an unknown officer gets a clear problem', async () => {
    const unknown = await http('POST', `${api.baseUrl}/api/v1/dossiers/000.20.20.H29-990101-0001/intake/accept`, { headers: { 'X-User-Id': 'motcua.saigon' } });
    expect(unknown.status).toBe(404);
    const anonymous = await http('POST', `${api.baseUrl}/api/v1/dossiers/${code}/intake/accept`);
    expect(anonymous.status).toBe(401);
    const stranger = await act('intake/accept', 'chuyenvien.tuphap');
    expect(stranger.status).toBe(404); // another agency's officer: as if the code were unknown (issue 14)
  });
});
