import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { createDb } from '../../db/connection';
import { recordDossierEvent, type DossierEventRecord, type HandoffOpening } from '../../db/repositories/dossier-events';
import { recordLegEvent } from '../../db/repositories/legs';
import { legActivities } from '../../activities/legs';
import type { LegEventRecord } from '../../activities/interagency';
import { apologyForm, formDossier } from '../../forms/documents';

/**
 * Inter-agency legs in the read model (issue 17): the routed hand-offs' due times (the step's
 * budget, less what the same step already took, on the receiving agency's calendar, capped by
 * the dossier's due date), the rule that a dossier event closes only the dossier's own row, and
 * the leg events' idempotency, alerts and assignment.
 *
 * Calendars: VN-STATE (Mon–Fri 07:30–11:30, 13:00–17:00) for the lead agency L; a calendar of
 * our own for the police agency P, the same plus Saturday mornings. March 2026 has no holiday.
 */

const L = { eid: '000.98.71.H29', name: 'UBND xã Thử nghiệm Liên thông' };
const P = { eid: '000.98.72.H29', name: 'Công an xã Thử nghiệm Liên thông' };
const at = (s: string) => `2026-${s.slice(0, 5)}T${s.slice(6)}:00+07:00`;
const ms = (s: string | Date | null) => (s === null ? null : new Date(s).getTime());

describe('inter-agency legs in the read model', () => {
  let db: Knex;
  const users: Record<string, number> = {};
  let procedureId: number;
  let leadAgencyId: number;
  let n = 0;

  beforeAll(async () => {
    db = createDb(inject('databaseUrl'));
    const state = await db('work_calendars').where({ code: 'VN-STATE' }).orderBy('version', 'desc').first('*');
    const weekly = { ...state.weekly_hours, 6: [{ start: '07:30', end: '11:30' }] };
    const [cal] = await db('work_calendars')
      .insert({ code: 'IPAPI-SAT', version: 1, name: 'Lịch thử nghiệm có sáng thứ Bảy', utc_offset_minutes: 420, weekly_hours: JSON.stringify(weekly), coverage_from: state.coverage_from, coverage_to: state.coverage_to })
      .returning('id');
    const [l] = await db('agencies').insert({ eid: L.eid, name: L.name, level: 'commune', calendar_id: state.id }).returning('id');
    const [p] = await db('agencies').insert({ eid: P.eid, name: P.name, level: 'commune', calendar_id: cal.id }).returning('id');
    for (const [username, agency, role] of [
      ['lt.lanhdao', p.id, 'leader'],
      ['lt.cv1', p.id, 'specialist'],
      ['lt.cv2', p.id, 'specialist'],
      ['lt.giamsat', p.id, 'supervisor'],
      ['lt.motcua', p.id, 'one_stop_officer'],
      ['lt.lead', l.id, 'leader'],
    ] as const) {
      const [u] = await db('users').insert({ username, full_name: username }).returning('id');
      users[username] = u.id;
      await db('user_roles').insert({ user_id: u.id, agency_id: agency, role });
    }
    procedureId = (await db('procedures').where('code', 'KT-HKD').first('id')).id;
    leadAgencyId = l.id;
  });

  afterAll(async () => {
    await db?.destroy();
  });

  async function dossier(dueAt: string): Promise<number> {
    n += 1;
    const code = `${L.eid}-260311-${String(n).padStart(4, '0')}`;
    const [row] = await db('dossiers')
      .insert({
        code,
        workflow_id: `dossier-${code}`,
        procedure_id: procedureId,
        agency_id: leadAgencyId,
        channel: 'counter',
        delivery_method: 'counter',
        status: 'IN_REVIEW',
        applicant_full_name: 'Nguyễn Văn Thử',
        applicant_id_number: '079000000081',
        submitted_at: at('03-11 08:00'),
        received_at: at('03-11 08:00'),
        due_at: dueAt,
        calendar_code: 'VN-STATE',
        calendar_version: 1,
      })
      .returning('id');
    return row.id;
  }

  const opening = (stepKey: string, budgetHours: number | undefined, extra: Partial<HandoffOpening> = {}): HandoffOpening => ({
    step: 'review',
    giverId: null,
    giverUnit: 'Bộ phận Một cửa',
    receiverId: null,
    receiverUnit: 'Phòng chuyên môn',
    dueAt: null,
    stepKey,
    stepName: `Bước ${stepKey}`,
    ...(budgetHours !== undefined ? { budgetHours } : {}),
    ...extra,
  });

  const event = (dossierId: number, seq: number, when: string, handoff: DossierEventRecord['handoff']): DossierEventRecord => ({
    dossierId,
    seq,
    type: 'step_forwarded',
    fromStatus: 'IN_REVIEW',
    toStatus: 'IN_REVIEW',
    actorId: null,
    actorRole: null,
    occurredAt: at(when),
    isPublic: false,
    data: {},
    projection: {},
    handoff,
  });

  const legEvent = (dossierId: number, workflowId: string, seq: number, when: string, extra: Partial<LegEventRecord> = {}, leg: Partial<LegEventRecord['leg']> = {}): LegEventRecord => ({
    dossierId,
    legWorkflowId: workflowId,
    kind: 'leg',
    agencyEid: P.eid,
    stepKey: 'police',
    seq,
    type: 'leg_step',
    actorId: null,
    actorRole: null,
    occurredAt: at(when),
    data: {},
    leg: { status: 'open', startedAt: at('03-13 16:00'), dueAt: null, late: false, finishedAt: null, step: null, assigneeId: null, ...leg },
    ...extra,
  });

  const rows = (dossierId: number) => db('dossier_handoffs').where('dossier_id', dossierId).orderBy('id').select('*');

  it('a routed hand-off is due after its budget in working hours, less what the same step already took', async () => {
    const id = await dossier(at('03-31 17:00'));
    // Wed 11 Mar 09:00 + 4 h: 09:00–11:30 (2.5 h), 13:00–14:30.
    await recordDossierEvent(db, event(id, 1, '03-11 09:00', { open: opening('s2', 4) }));
    // Sent back at 10:00 after 1 h to s1 (8 h: due Thu 10:00).
    await recordDossierEvent(db, event(id, 2, '03-11 10:00', { close: true, open: opening('s1', 8) }));
    // Back at s2 at 11:00: 3 h left, 11:00–11:30 and 13:00–15:30.
    await recordDossierEvent(db, event(id, 3, '03-11 11:00', { close: true, open: opening('s2', 4) }));
    const r = await rows(id);
    expect(r.map((x) => [x.step_key, x.step_name, ms(x.due_at)])).toEqual([
      ['s2', 'Bước s2', ms(at('03-11 14:30'))],
      ['s1', 'Bước s1', ms(at('03-12 10:00'))],
      ['s2', 'Bước s2', ms(at('03-11 15:30'))],
    ]);
    // Done the day it was due: on time; a day before: early.
    expect(r[0].outcome).toBe('on_time');
    expect(r[1].outcome).toBe('early');
    expect((await db('dossiers').where('id', id).first('current_step')).current_step).toBe('review');
  });

  it('a routed step without a budget of its own (0: returning the result) is due by the close of its working day, so done that afternoon it is on time', async () => {
    const id = await dossier(at('03-31 17:00'));
    // Received before lunch, done after it: due 17:00 the same day, not at 11:20.
    await recordDossierEvent(db, event(id, 1, '03-11 11:20', { open: opening('s8', 0) }));
    // Closed at 15:00; the next one opened after the close of Friday is due by Monday's close.
    await recordDossierEvent(db, event(id, 2, '03-11 15:00', { close: true, open: opening('s9', 0) }));
    await recordDossierEvent(db, event(id, 3, '03-13 17:30', { close: true, open: opening('s10', 0) }));
    const r = await rows(id);
    expect(r.map((x) => [x.step_key, ms(x.due_at), x.outcome])).toEqual([
      ['s8', ms(at('03-11 17:00')), 'on_time'],
      ['s9', ms(at('03-11 17:00')), 'late'],
      ['s10', ms(at('03-16 17:00')), null],
    ]);
    expect(ms(await legActivities({ db }).addWorkingHours({ agencyEid: L.eid, from: at('03-11 11:20'), hours: 0 }))).toBe(ms(at('03-11 17:00')));
  });

  it('a routed hand-off is capped by the dossier’s due date and by the time the workflow gives', async () => {
    const id = await dossier(at('03-12 10:00'));
    await recordDossierEvent(db, event(id, 1, '03-11 15:30', { open: opening('s3', 16) }));
    await recordDossierEvent(db, event(id, 2, '03-11 16:00', { close: true, open: opening('s4', 16, { dueAt: at('03-12 08:00') }) }));
    const r = await rows(id);
    expect(r.map((x) => ms(x.due_at))).toEqual([ms(at('03-12 10:00')), ms(at('03-12 08:00'))]);
  });

  it('a leg’s hand-off counts on the leg agency’s calendar (a working Saturday) and is numbered by the leg’s seq', async () => {
    const id = await dossier(at('03-31 17:00'));
    const wf = `dossier-x/leg/police/${id}`;
    // Fri 13 Mar 16:00 + 3 h: 16:00–17:00, then Saturday 07:30–09:30 on the police calendar (Monday 09:30 on VN-STATE).
    await recordLegEvent(db, legEvent(id, wf, 1, '03-13 16:00', { handoff: { open: opening('p1', 3, { step: 'leg' }) } }));
    const [row] = await rows(id);
    expect(row).toMatchObject({ leg_workflow_id: wf, opened_seq: 1, agency_eid: P.eid, step_key: 'p1', step: 'leg' });
    expect(ms(row.due_at)).toBe(ms(at('03-14 09:30')));
    // The lead's own hand-off of the same seq is another row.
    await recordDossierEvent(db, event(id, 1, '03-13 16:00', { open: opening('s5', 8, { step: 'leg', agencyEid: P.eid }) }));
    const own = (await rows(id)).find((x) => x.leg_workflow_id === null)!;
    // 16:00–17:00, Saturday 07:30–11:30, Monday 07:30–10:30.
    expect(ms(own.due_at)).toBe(ms(at('03-16 10:30')));
    expect(own.agency_eid).toBe(P.eid);
    expect(ms((await legActivities({ db }).addWorkingHours({ agencyEid: P.eid, from: at('03-13 16:00'), hours: 3 })) as string)).toBe(ms(at('03-14 09:30')));
    expect(ms(await legActivities({ db }).addWorkingHours({ agencyEid: L.eid, from: at('03-13 16:00'), hours: 3.5 }))).toBe(ms(at('03-16 10:00')));
  });

  it('a dossier event closes only the dossier’s own open row; leg rows are closed by the leg’s events', async () => {
    const id = await dossier(at('03-31 17:00'));
    const wf = `dossier-y/leg/police/${id}`;
    await recordDossierEvent(db, event(id, 1, '03-11 09:00', { open: opening('s6', 40, { step: 'leg' }) }));
    await recordLegEvent(db, legEvent(id, wf, 1, '03-11 09:05', { handoff: { open: opening('p1', 8, { step: 'review' }) } }));
    // The dossier's own event (e.g. a chase noted, or its own next step) closes its row only.
    await recordDossierEvent(db, event(id, 2, '03-11 10:00', { close: true, open: opening('s7', 8, { step: 'decision' }) }));
    let r = await rows(id);
    expect(r.map((x) => [x.step_key, x.leg_workflow_id, x.done_at !== null])).toEqual([
      ['s6', null, true],
      ['p1', wf, false],
      ['s7', null, false],
    ]);
    expect((await db('dossiers').where('id', id).first('current_step')).current_step).toBe('decision');
    // The leg moves on: its own row closes, the next opens; the lead's stays open.
    await recordLegEvent(db, legEvent(id, wf, 2, '03-11 11:00', { handoff: { close: true, open: opening('p2', 4, { step: 'decision' }) } }));
    await recordDossierEvent(db, event(id, 3, '03-11 13:00', { close: true }));
    r = await rows(id);
    expect(r.map((x) => [x.step_key, x.leg_workflow_id, x.done_at !== null, x.outcome])).toEqual([
      ['s6', null, true, 'early'],
      ['p1', wf, true, 'early'],
      ['s7', null, true, 'early'],
      ['p2', wf, false, null],
    ]);
    expect((await db('dossiers').where('id', id).first('current_step')).current_step).toBeNull();
  });

  it('a leg event is applied once per (leg, seq); an older event does not overwrite the row', async () => {
    const id = await dossier(at('03-31 17:00'));
    const wf = `dossier-z/consult/${P.eid}/${id}`;
    const first = legEvent(
      id,
      wf,
      1,
      '03-11 09:00',
      { kind: 'consultation', type: 'consultation_requested', data: { question: 'Có ý kiến về địa điểm kinh doanh?' }, handoff: { open: opening('consult', 16, { step: 'consultation' }) } },
      { question: 'Có ý kiến về địa điểm kinh doanh?', dueAt: at('03-13 09:00') },
    );
    expect(await recordLegEvent(db, first)).toEqual({ inserted: true });
    expect(await recordLegEvent(db, first)).toEqual({ inserted: false });
    const answered = legEvent(
      id,
      wf,
      2,
      '03-12 10:00',
      { kind: 'consultation', type: 'consultation_answered', actorId: users['lt.lanhdao'], actorRole: 'leader', data: { opinion: 'Đồng ý' }, handoff: { close: true } },
      { status: 'answered', opinion: 'Đồng ý', agrees: true, finishedAt: at('03-12 10:00'), dueAt: at('03-13 09:00') },
    );
    await recordLegEvent(db, answered);
    await recordLegEvent(db, answered);
    // A retry of the first event after the second: a no-op.
    await recordLegEvent(db, first);
    const leg = await db('dossier_legs').where('workflow_id', wf).first('*');
    expect(leg).toMatchObject({ kind: 'consultation', agency_eid: P.eid, status: 'answered', opinion: 'Đồng ý', agrees: true, question: 'Có ý kiến về địa điểm kinh doanh?', last_seq: 2, late: false });
    expect(await db('dossier_leg_events').where('leg_id', leg.id).orderBy('seq').pluck('type')).toEqual(['consultation_requested', 'consultation_answered']);
    const r = await rows(id);
    expect(r).toHaveLength(1);
    expect(r[0]).toMatchObject({ leg_workflow_id: wf, step: 'consultation', closed_seq: 2, outcome: 'early' });
    const audit = await db('audit_log').where({ dossier_id: id }).orderBy('id').pluck('action');
    expect(audit).toEqual(['leg.consultation_requested', 'leg.consultation_answered']);
  });

  it('alerts the leg agency’s leaders, specialists and supervisors once, and assigns its least-loaded specialist', async () => {
    const id = await dossier(at('03-31 17:00'));
    const wf = `dossier-w/leg/police/${id}`;
    const acts = legActivities({ db });
    const alert = { agencyEid: P.eid, dossierId: id, legWorkflowId: wf, kind: 'leg_received' as const, message: 'Hồ sơ liên thông mới' };
    await acts.alertAgency(alert);
    await acts.alertAgency(alert);
    const alerted = await db('officer_alerts').where({ dossier_id: id }).orderBy('user_id').pluck('user_id');
    expect(alerted).toEqual([users['lt.lanhdao'], users['lt.cv1'], users['lt.cv2'], users['lt.giamsat']].sort((a, b) => a! - b!));
    expect(await db('notification_outbox').where({ dossier_id: id, template: 'officer_alert' }).count('* as c').first()).toEqual({ c: 4 });
    // Chased twice with different notes: two alerts each.
    await acts.alertAgency({ ...alert, kind: 'leg_chased', message: 'Đôn đốc lần 1' });
    await acts.alertAgency({ ...alert, kind: 'leg_chased', message: 'Đôn đốc lần 2' });
    expect(await db('officer_alerts').where({ dossier_id: id, kind: 'leg_chased' }).count('* as c').first()).toEqual({ c: 8 });

    // cv1 holds one open leg already: cv2 is chosen; the leg keeps it on a retry.
    await recordLegEvent(db, legEvent(id, `${wf}-busy`, 1, '03-11 09:00', {}, { assigneeId: users['lt.cv1']! }));
    const chosen = await acts.assignLegSpecialist({ agencyEid: P.eid, legWorkflowId: wf });
    expect(chosen.userId).toBe(users['lt.cv2']);
    await recordLegEvent(db, legEvent(id, wf, 1, '03-11 09:00', {}, { assigneeId: users['lt.cv1']! }));
    expect((await acts.assignLegSpecialist({ agencyEid: P.eid, legWorkflowId: wf })).userId).toBe(users['lt.cv1']);
    await expect(acts.assignLegSpecialist({ agencyEid: L.eid, legWorkflowId: 'none' })).rejects.toMatchObject({ type: 'NoSpecialist' });
  });

  it('Form 04 is issued by the coordinating agency named by the reappointment, and says the delay is its own', async () => {
    const id = await dossier(at('03-20 17:00'));
    await db('agencies').where('eid', P.eid).update({ address: 'Số 1 Đường Thử, Phường Thử, Tỉnh Lâm Đồng' });
    await db('agencies').where('eid', L.eid).update({ address: 'Số 2 Đường Thử, Xã Thử, Thành phố Hồ Chí Minh' });
    const base = { dossier_id: id, from_status: 'IN_REVIEW', to_status: 'IN_REVIEW', occurred_at: at('03-19 09:00') };
    const data = { reason: 'Công an xã chưa có kết quả xác minh', previousAppointmentAt: at('03-20 17:00'), appointmentAt: at('03-25 17:00') };
    await db('dossier_events').insert({ ...base, seq: 1, type: 'reappointed', actor_id: users['lt.lead'], data: JSON.stringify({ ...data, issuedByAgencyEid: P.eid }) });
    const d = (await formDossier(db, (await db('dossiers').where('id', id).first('code')).code))!;
    const form = await apologyForm(db, d);
    expect(form.agency).toEqual({ parent: null, name: P.name });
    expect(form.placeAndDate).toMatch(/^Lâm Đồng, ngày 19 tháng 03 năm 2026$/);
    expect(form.signatures.right?.name).toBe('lt.lanhdao');
    const text = JSON.stringify(form.blocks);
    expect(text).toContain(`do ${P.name} (cơ quan phối hợp) giải quyết phần việc của mình quá thời hạn`);
    expect(text).toContain(`${P.name} xin lỗi Ông/Bà`);

    // Without it, the receiving agency apologises as before.
    await db('dossier_events').insert({ ...base, seq: 2, type: 'reappointed', actor_id: users['lt.lead'], data: JSON.stringify(data) });
    const own = await apologyForm(db, d);
    expect(own.agency.name).toBe(L.name);
    expect(own.placeAndDate).toMatch(/^TP\. Hồ Chí Minh/);
    expect(JSON.stringify(own.blocks)).toContain(`${L.name} xin lỗi Ông/Bà`);
  });
});
