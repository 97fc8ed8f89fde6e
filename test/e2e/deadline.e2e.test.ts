import { describe, expect, it } from 'vitest';
import { toOffsetIso, WorkingCalendar } from '../../domain/calendar';
import { VN_STATE_CALENDAR } from '../../domain/holidays-vn';
import { formTime } from '../../delivery/intake-receipt';
import { applicantIds, dossierClient, eventually, http, payFeeAtCounter, processControl, submitSample } from '../helpers/stack';
import { useStack } from '../helpers/use-stack';

/**
 * Deadlines on the real stack (worker process, PostgreSQL, Temporal): the explained due
 * date, extension, clock-excluded pause, apology with a new appointment, step budgets on
 * the process-control sheet; and, on an agency calendar open around the clock with a
 * procedure of seconds, the warning, overdue and escalation alerts reaching officers and
 * the supervisor worklist.
 */
describe('deadlines end to end', () => {
  const calendar = new WorkingCalendar(VN_STATE_CALENDAR);
  const H = 3_600_000;
  const { api, finished } = useStack({ name: 'deadlines' });
  const { officer, assigneeOf } = dossierClient(() => api);
  const deadlineOf = (code: string, user = 'giamsat.saigon', asOf?: Date) =>
    http('GET', `${api.baseUrl}/api/v1/dossiers/${code}/deadline${asOf ? `?asOf=${encodeURIComponent(toOffsetIso(asOf))}` : ''}`, { headers: { 'X-User-Id': user } });
  const idNumber = applicantIds('0792');

  async function submit(body: Record<string, unknown> = {}) {
    const r = await submitSample(api.baseUrl, idNumber(), body, 'deadline');
    expect(r.status).toBe(201);
    return r.body.code as string;
  }

  it('explains the due date from the ledger; an extension, a pause and an apology move it as the law says', async () => {
    const code = await submit();
    await payFeeAtCounter(api.baseUrl, code);
    expect((await officer(code, 'intake/accept', 'motcua.saigon')).status).toBe(200);
    const row = await api.db('dossiers').where({ code }).first('received_at', 'submitted_at', 'due_at', 'appointment_at', 'calendar_code', 'calendar_version', 'deadline_state');
    const receivedAt = new Date(row.received_at);
    // KT-HKD: 3 working days on the state calendar.
    const due0 = calendar.appointment(receivedAt, { unit: 'working_days', value: 3 });
    expect(toOffsetIso(new Date(row.due_at))).toBe(toOffsetIso(due0));
    expect(row).toMatchObject({ calendar_code: 'VN-STATE', calendar_version: 1, deadline_state: 'running' });

    const explained = await deadlineOf(code);
    expect(explained.status).toBe(200);
    expect(explained.body).toMatchObject({
      code,
      dueAt: toOffsetIso(due0),
      appointmentAt: toOffsetIso(due0),
      limit: { unit: 'working_days', value: 3 },
      limitMinutes: Math.round(calendar.workingTimeBetween(receivedAt, due0) / 60_000),
      paused: false,
      calendar: { code: 'VN-STATE', version: 1 },
      ledger: [{ kind: 'start', actor: { fullName: 'Trần Thị Mai' }, limit: { unit: 'working_days', value: 3 } }],
      outcome: null,
    });
    expect(explained.body.explanation[0]).toMatch(/^Tiếp nhận hồ sơ đầy đủ, hợp lệ lúc .*thời hạn giải quyết 3 ngày làm việc theo lịch VN-STATE phiên bản 1/);
    expect((await deadlineOf(code, 'canbo.congan.saigon')).status).toBe(404); // another agency's officer: as if unknown (issue 14)

    // As of a moment asked (issue 16): 1 working hour before the due date it is at risk (KT-HKD
    // warns 8 working hours ahead); 2 working hours past it, overdue by 120 working minutes, said in Vietnamese.
    const before = await deadlineOf(code, 'giamsat.saigon', calendar.subtractWorkingTime(due0, H));
    expect(before.body).toMatchObject({ state: 'at_risk', remainingMinutes: 60, overdueBy: null, outcome: null });
    expect(before.body.explanation.join('\n')).not.toMatch(/Quá hạn/);
    const past = calendar.addWorkingTime(due0, 2 * H);
    const late = await deadlineOf(code, 'giamsat.saigon', past);
    expect(late.status).toBe(200);
    expect(late.body).toMatchObject({ asOf: toOffsetIso(past), dueAt: toOffsetIso(due0), state: 'overdue', remainingMinutes: 0, overdueBy: { workingMinutes: 120, workingHours: 2 }, outcome: null });
    expect(late.body.explanation.at(-1)).toMatch(/^Quá hạn 2 giờ làm việc tính đến .* \(hạn giải quyết .*\)\.$/);

    // Form 01: receipt and appointment to the minute, for the counter and for the applicant.
    const receipt = await http('GET', `${api.baseUrl}/api/v1/dossiers/${code}/receipt`, { headers: { 'X-User-Id': 'motcua.saigon', Accept: 'application/json' } });
    expect(receipt.body).toMatchObject({ code, receivedAt: toOffsetIso(receivedAt), appointmentAt: toOffsetIso(due0), receivedBy: 'Trần Thị Mai', originalAppointmentAt: null });
    const printed = await http('GET', `${api.baseUrl}/api/v1/dossiers/${code}/receipt`, { headers: { 'X-User-Id': 'motcua.saigon' } });
    expect(printed.headers.get('content-type')).toMatch(/text\/html/);
    expect(printed.body).toContain(`Thời gian trả kết quả giải quyết hồ sơ: <strong>${formTime(due0)}</strong>`);
    expect(printed.body).toMatch(/\d{2} giờ \d{2} phút, ngày \d{2} tháng \d{2} năm 20\d{2}/);
    expect(printed.body).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/); // no machine timestamp on a form people read
    const own = await http('POST', `${api.baseUrl}/api/v1/citizen/dossiers/${code}/receipt`, { body: { idNumber: '079000000000' } });
    expect(own.status).toBe(404); // not theirs reads like an unknown code
    expect(own.body.detail).toMatch(/Không tìm thấy hồ sơ/);

    // Gia hạn 1 working day: the legal basis is required, and only a leader grants it.
    const extend = (user: string, body: unknown) => officer(code, 'deadline/extension', user, body);
    expect((await extend('lanhdao.saigon', { workingDays: 1, reason: 'Cần xác minh' })).status).toBe(422);
    expect((await extend(await assigneeOf(code), { workingDays: 1, reason: 'Cần xác minh', legalBasis: 'Điều 5 Nghị định 297/2025/NĐ-CP' })).status).toBe(403);
    const extended = await extend('lanhdao.saigon', { workingDays: 1, reason: 'Cần lấy ý kiến cơ quan thuế', legalBasis: 'Điều 5 Nghị định 297/2025/NĐ-CP' });
    expect(extended.status).toBe(200);
    const due1 = calendar.addWorkingTime(due0, 8 * H);
    expect(extended.body.deadline).toMatchObject({ dueAt: toOffsetIso(due1), state: 'running', reappointed: false });
    expect(extended.body.appointmentAt).toBe(toOffsetIso(due1));

    // A clock-excluded step: stopped by the assignee, resumed; the due date moves by the working time it stood still.
    const specialist = await assigneeOf(code);
    const paused = await officer(code, 'clock/pause', specialist, { reason: 'Chờ cơ quan thuế xác định nghĩa vụ tài chính', legalBasis: 'Điều 22 Nghị định 101/2024/NĐ-CP' });
    expect(paused.status).toBe(200);
    expect(paused.body.deadline).toMatchObject({ state: 'paused', pausedSince: expect.any(String) });
    expect((await deadlineOf(code)).body).toMatchObject({ paused: true, segments: [{ kind: 'running' }, { kind: 'paused', to: null }] });
    expect((await officer(code, 'clock/pause', specialist, { reason: 'x', legalBasis: 'y' })).status).toBe(409); // already stopped
    await new Promise((r) => setTimeout(r, 1200));
    const resumed = await officer(code, 'clock/resume', specialist, { note: 'Đã có thông báo thuế' });
    expect(resumed.status).toBe(200);
    const ledger = await api.db('dossier_clock_entries as c').join('dossiers as d', 'd.id', 'c.dossier_id').where('d.code', code).orderBy('c.seq').select('c.kind', 'c.at', 'c.legal_basis');
    expect(ledger.map((e) => e.kind)).toEqual(['start', 'extension', 'pause', 'resume']);
    const stood = calendar.workingTimeBetween(new Date(ledger[2].at), new Date(ledger[3].at));
    // Outside office hours (a run at lunch time) the pause stood still for no working time, and the date stays.
    const due2 = stood > 0 ? calendar.addWorkingTime(due1, stood) : due1;
    const afterPause = await deadlineOf(code);
    expect(afterPause.body.dueAt).toBe(toOffsetIso(due2));
    expect(afterPause.body.extensions).toEqual([expect.objectContaining({ workingMinutes: 480, basis: 'Điều 5 Nghị định 297/2025/NĐ-CP' })]);
    expect(afterPause.body.pausedMinutes).toBe(Math.round(stood / 60_000));

    // Thư xin lỗi (Form 04): the citizen's new date; the legal due date stays; only once.
    const reappoint = (body: unknown) => officer(code, 'deadline/reappointment', 'lanhdao.saigon', body);
    expect((await reappoint({ reason: 'x' })).status).toBe(422);
    const apology = await reappoint({ reason: 'Chờ ý kiến của Chi cục Thuế', workingDaysAfterDue: 2 });
    expect(apology.status).toBe(200);
    const promised = calendar.addWorkingTime(due2, 16 * H);
    expect(apology.body.appointmentAt).toBe(toOffsetIso(promised));
    expect(apology.body.deadline).toMatchObject({ dueAt: toOffsetIso(due2), reappointed: true });
    const status = await http('GET', `${api.baseUrl}/api/v1/status/${code}`);
    expect(status.body.appointmentAt).toBe(toOffsetIso(promised)); // what the citizen now reads
    const idNumberOf = (await api.db('dossiers').where({ code }).first('applicant_id_number')).applicant_id_number;
    const reprinted = await http('POST', `${api.baseUrl}/api/v1/citizen/dossiers/${code}/receipt`, { body: { idNumber: idNumberOf }, headers: { Accept: 'application/json' } });
    expect(reprinted.body).toMatchObject({ appointmentAt: toOffsetIso(promised), originalAppointmentAt: toOffsetIso(due2) });
    const again = await reappoint({ reason: 'Lần hai', workingDaysAfterDue: 1 });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ reason: 'AlreadyReappointed', detail: expect.stringContaining('không được hẹn lại lần thứ hai') });
    const [apologies] = await api.db('notification_outbox as o').join('dossiers as d', 'd.id', 'o.dossier_id').where({ 'd.code': code, 'o.template': 'apology' }).count<{ count: string }[]>('* as count');
    expect(Number(apologies!.count)).toBe(1);

    // Step budgets (KT-HKD: intake 8 h, review 14 h), capped by the due date.
    const sheet = (await processControl(api.baseUrl, code)) as unknown as Array<{ step: string; receivedAt: string; dueAt: string | null }>;
    const intake = sheet.find((h) => h.step === 'intake')!;
    expect(intake.dueAt).toBe(toOffsetIso(calendar.addWorkingTime(new Date(intake.receivedAt), 8 * H)));
    const review = sheet.find((h) => h.step === 'review')!;
    expect(review.dueAt).toBe(toOffsetIso(new Date(Math.min(calendar.addWorkingTime(new Date(review.receivedAt), 14 * H).getTime(), due0.getTime()))));

    await officer(code, 'review/proposal', specialist, { proposal: 'approve' });
    await officer(code, 'decision', 'lanhdao.saigon', { decision: 'approve' });
    expect((await finished(code, 'deadline-ledger')).status).toBe('COMPLETED');
    const ended = await deadlineOf(code);
    expect(ended.body).toMatchObject({ state: 'stopped', outcome: { endedAs: 'APPROVED', result: expect.stringMatching(/^(early|on_time)$/) } });
    expect((await officer(code, 'deadline/extension', 'lanhdao.saigon', { workingDays: 1, reason: 'x', legalBasis: 'y' })).status).toBe(409);
  });

  it('on a calendar open around the clock, a procedure of seconds warns, goes overdue and escalates to the officers', async () => {
    const suffix = String(process.pid % 100).padStart(2, '0');
    // A range of its own: in 000.97.x, a pid ending in 81 or 82 met event-recording.test.ts's agencies
    // (same database), whose specialist then took the assignment and the alerts.
    const eid = `000.96.${suffix}.H29`;
    const allDay = [{ start: '00:00', end: '24:00' }];
    const [cal] = await api.db('work_calendars')
      .insert({
        code: `TEST-24X7-${process.pid}`,
        version: 1,
        name: 'Lịch kiểm thử mở cửa 24/7',
        weekly_hours: JSON.stringify({ 0: allDay, 1: allDay, 2: allDay, 3: allDay, 4: allDay, 5: allDay, 6: allDay }),
        coverage_from: '2025-01-01',
        coverage_to: '2027-12-31',
      })
      .returning('id');
    const [agency] = await api.db('agencies').insert({ eid, name: 'Bộ phận kiểm thử thời hạn', level: 'commune', calendar_id: cal.id }).onConflict('eid').merge().returning('id');
    const users = new Map((await api.db('users').whereIn('username', ['motcua.saigon', 'chuyenvien.saigon1', 'lanhdao.saigon', 'giamsat.saigon']).select('id', 'username')).map((u) => [u.username, u.id]));
    await api.db('user_roles')
      .insert([
        { user_id: users.get('motcua.saigon'), agency_id: agency.id, role: 'one_stop_officer' },
        { user_id: users.get('chuyenvien.saigon1'), agency_id: agency.id, role: 'specialist' },
        { user_id: users.get('lanhdao.saigon'), agency_id: agency.id, role: 'leader' },
        { user_id: users.get('giamsat.saigon'), agency_id: agency.id, role: 'supervisor' },
      ])
      .onConflict()
      .ignore();
    const procedureCode = `TEST-SLA-${process.pid}`;
    const [procedure] = await api.db('procedures')
      .insert({
        code: procedureCode,
        name: 'Thủ tục kiểm thử thời hạn (giây)',
        field: 'Kiểm thử',
        legal_basis: 'Kiểm thử',
        time_limit: JSON.stringify({ unit: 'working_hours', value: 6 / 3600 }),
        online_level: 'full',
        on_site_verification: false,
        fee_timing: 'none',
        result_name: 'Kết quả kiểm thử',
        warn_before_hours: 3 / 3600,
        escalate_every_hours: 2 / 3600,
        step_budgets: JSON.stringify({ review: 3 / 3600 }),
        active: true,
      })
      .returning('id');
    await api.db('procedure_agencies').insert({ procedure_id: procedure.id, agency_id: agency.id });
    await api.db('procedure_documents').insert({ procedure_id: procedure.id, position: 1, name: 'Đơn' });

    const code = await submit({ procedureCode, agencyEid: eid, documents: [{ name: 'Đơn' }] });
    await eventually(() => http('GET', `${api.baseUrl}/api/v1/status/${code}`), (r) => r.body.history?.length >= 1);
    const early = await http('GET', `${api.baseUrl}/api/v1/dossiers/${code}/receipt`, { headers: { 'X-User-Id': 'motcua.saigon' } });
    expect(early.status).toBe(409); // no receipt before the dossier is received
    expect((await officer(code, 'intake/accept', 'motcua.saigon')).status).toBe(200);
    const types = async () =>
      (await api.db('dossier_events as e').join('dossiers as d', 'd.id', 'e.dossier_id').where('d.code', code).orderBy('e.seq').select('e.type')).map((e) => e.type as string);
    await eventually(types, (t) => t.filter((x) => x === 'deadline_escalated').length >= 2, 40_000);
    expect((await types()).filter((t) => t.startsWith('deadline_')).slice(0, 4)).toEqual(['deadline_at_risk', 'deadline_overdue', 'deadline_escalated', 'deadline_escalated']);

    // Alerts: the assignee and the supervisor on each; the leader on escalations only.
    const alerts = async (user: string) => (await http('GET', `${api.baseUrl}/api/v1/alerts`, { headers: { 'X-User-Id': user } })).body.alerts.filter((a: { dossier: { code: string } }) => a.dossier.code === code);
    const forSupervisor = await alerts('giamsat.saigon');
    expect(forSupervisor.map((a: { kind: string }) => a.kind).reverse().slice(0, 4)).toEqual(['at_risk', 'overdue', 'escalation', 'escalation']);
    expect((await alerts('chuyenvien.saigon1')).length).toBeGreaterThanOrEqual(4);
    const forLeader = await alerts('lanhdao.saigon');
    expect(forLeader.length).toBeGreaterThanOrEqual(2);
    expect(forLeader.every((a: { kind: string }) => a.kind === 'escalation')).toBe(true);
    expect((await http('POST', `${api.baseUrl}/api/v1/alerts/${forSupervisor[0].id}/read`, { headers: { 'X-User-Id': 'giamsat.saigon' } })).status).toBe(204);
    expect((await http('GET', `${api.baseUrl}/api/v1/alerts?unread=true`, { headers: { 'X-User-Id': 'giamsat.saigon' } })).body.alerts.some((a: { id: number }) => a.id === forSupervisor[0].id)).toBe(false);

    // The supervisor's overdue worklist shows it, with its escalation level in the read model.
    const overdue = await http('GET', `${api.baseUrl}/api/v1/supervision/dossiers?view=overdue&agency=${eid}`, { headers: { 'X-User-Id': 'giamsat.saigon' } });
    expect(overdue.status).toBe(200);
    expect(overdue.body.dossiers.map((d: { code: string }) => d.code)).toEqual([code]);
    const row = await api.db('dossiers').where({ code }).first('deadline_state', 'escalation_level');
    expect(row.deadline_state).toBe('overdue');
    expect(row.escalation_level).toBeGreaterThanOrEqual(2);

    await officer(code, 'review/proposal', 'chuyenvien.saigon1', { proposal: 'approve' });
    expect((await officer(code, 'decision', 'lanhdao.saigon', { decision: 'approve' })).status).toBe(200);
    const ended = await deadlineOf(code);
    expect(ended.body).toMatchObject({ state: 'stopped', outcome: { endedAs: 'APPROVED', result: 'late' } });
    // The review step had a budget of 3 s, under the dossier's 6 s: late against it.
    const sheet = (await processControl(api.baseUrl, code)) as unknown as Array<{ step: string; receivedAt: string; dueAt: string; outcome: string }>;
    const review = sheet.find((h) => h.step === 'review')!;
    expect(Date.parse(review.dueAt) - Date.parse(review.receivedAt)).toBeGreaterThanOrEqual(2000);
    expect(Date.parse(review.dueAt) - Date.parse(review.receivedAt)).toBeLessThanOrEqual(3000);
    expect(review.outcome).toBe('late');
    expect((await finished(code, 'deadline-escalation')).status).toBe('COMPLETED');
  });
});
