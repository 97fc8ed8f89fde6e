import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { createActivities } from '../../activities';
import { createDb } from '../../db/connection';
import { OPEN_STATUSES } from '../../domain/status';

/**
 * Who gets a newly accepted dossier: the agency's active specialist with the least work in
 * hand. Work in hand is what is open (received, not yet decided); the dossiers a specialist
 * decided years ago are not load. On an agency of its own, so other suites' dossiers do not count.
 */
describe('assignSpecialist: the least-loaded specialist by open work', () => {
  const db = createDb(inject('databaseUrl'));
  const activities = createActivities({ db });
  const eid = `000.99.${crypto.randomInt(10, 99)}.T${crypto.randomInt(10, 99)}`;
  let agencyId: number;
  let procedureId: number;
  let veteran: number; // many decided dossiers, nothing open
  let newcomer: number; // no history, one open dossier

  const user = async (username: string, fullName: string) => {
    const [row] = await db('users').insert({ username: `${username}.${eid}`, full_name: fullName }).returning('id');
    await db('user_roles').insert({ user_id: row.id, agency_id: agencyId, role: 'specialist' });
    return Number(row.id);
  };
  const dossier = async (assigneeId: number | null, status: string) => {
    const code = `${eid}-261125-${crypto.randomInt(1, 99_999_999)}`;
    const [row] = await db('dossiers')
      .insert({
        code,
        workflow_id: `assign-test-${code}`,
        procedure_id: procedureId,
        agency_id: agencyId,
        channel: 'online',
        delivery_method: 'online',
        status,
        applicant_full_name: 'Trần Văn Bình',
        applicant_id_number: '079188004321',
        submitted_at: new Date('2026-11-24T01:00:00Z'),
        received_at: new Date('2026-11-24T01:30:00Z'),
        assignee_id: assigneeId,
      })
      .returning('id');
    return Number(row.id);
  };

  beforeAll(async () => {
    const saigon = await db('agencies').where('eid', '000.20.20.H29').first('calendar_id', 'level');
    const [agency] = await db('agencies').insert({ eid, name: 'Phòng thử nghiệm phân công', level: saigon.level, calendar_id: saigon.calendar_id }).returning('id');
    agencyId = Number(agency.id);
    procedureId = Number((await db('procedures').where('code', 'KT-HKD').first('id')).id);
    // Created first, so the id tie-break alone would also pick the veteran.
    veteran = await user('chuyenvien.lau.nam', 'Nguyễn Văn Lâu');
    newcomer = await user('chuyenvien.moi', 'Trần Thị Mới');
    for (const status of ['COMPLETED', 'DENIED', 'WITHDRAWN', 'CANCELLED', 'RESULT_DELIVERED', 'APPROVED']) await dossier(veteran, status);
    await dossier(newcomer, 'IN_REVIEW');
  });
  afterAll(() => db.destroy());

  it('passes over decided dossiers and gives the new one to whoever has less open work', async () => {
    const target = await dossier(null, 'RECEIVED');
    await expect(activities.assignSpecialist({ dossierId: target, agencyEid: eid })).resolves.toMatchObject({ userId: veteran });
  });

  it('counts every open status as load', async () => {
    for (const status of OPEN_STATUSES) await dossier(veteran, status);
    // Veteran: 5 open (one per open status); newcomer: 1.
    const target = await dossier(null, 'RECEIVED');
    await expect(activities.assignSpecialist({ dossierId: target, agencyEid: eid })).resolves.toMatchObject({ userId: newcomer });
  });

  it('keeps the assignee a retried activity already gave the dossier', async () => {
    const target = await dossier(newcomer, 'RECEIVED');
    await expect(activities.assignSpecialist({ dossierId: target, agencyEid: eid })).resolves.toMatchObject({ userId: newcomer });
  });
});

/**
 * Patch merged-records-v1: the choice and the assignment's event in one local activity. The
 * workflow sends both events as far as it knows them; the activity writes the one that holds,
 * with the specialist it chose (read model, process-control sheet, event) or the reason nobody is
 * assigned; a retry writes nothing twice.
 */
describe('assignAndRecord: the choice written with its event', () => {
  const db = createDb(inject('databaseUrl'));
  const activities = createActivities({ db });
  afterAll(() => db.destroy());

  /** A received dossier of a new agency (with the given specialists), its submission and acceptance recorded. */
  async function receivedDossier(specialists: string[]) {
    const eid = `000.98.${crypto.randomInt(10, 99)}.T${crypto.randomInt(100, 999)}`;
    const saigon = await db('agencies').where('eid', '000.20.20.H29').first('calendar_id', 'level');
    const [agency] = await db('agencies').insert({ eid, name: 'Phòng thử nghiệm ghi phân công', level: saigon.level, calendar_id: saigon.calendar_id }).returning('id');
    const ids: number[] = [];
    for (const name of specialists) {
      const [u] = await db('users').insert({ username: `${name}.${eid}`, full_name: name }).returning('id');
      await db('user_roles').insert({ user_id: u.id, agency_id: agency.id, role: 'specialist' });
      ids.push(Number(u.id));
    }
    const code = `${eid}-261206-${crypto.randomInt(1, 99_999_999)}`;
    const [row] = await db('dossiers')
      .insert({
        code,
        workflow_id: `assign-record-${code}`,
        procedure_id: (await db('procedures').where('code', 'KT-HKD').first('id')).id,
        agency_id: agency.id,
        channel: 'online',
        delivery_method: 'online',
        status: 'SUBMITTED',
        applicant_full_name: 'Trần Văn Bình',
        applicant_id_number: '079188004321',
        submitted_at: new Date('2026-12-04T01:00:00Z'),
      })
      .returning('id');
    const dossierId = Number(row.id);
    const base = { dossierId, actorId: null, actorRole: null, isPublic: true, data: {} };
    await activities.recordDossierEvent({ ...base, seq: 1, type: 'submitted', fromStatus: null, toStatus: 'SUBMITTED', occurredAt: '2026-12-04T01:00:00Z', projection: { status: 'SUBMITTED' }, handoff: { open: { step: 'intake', giverId: null, giverUnit: 'Tổ chức, cá nhân nộp hồ sơ', receiverId: null, receiverUnit: 'Bộ phận Một cửa', dueAt: null } } });
    await activities.recordDossierEvent({ ...base, seq: 2, type: 'intake_accepted', fromStatus: 'SUBMITTED', toStatus: 'RECEIVED', occurredAt: '2026-12-04T01:30:00Z', projection: { status: 'RECEIVED', receivedAt: '2026-12-04T01:30:00Z' }, handoff: { close: true } });
    const at = '2026-12-04T01:31:00Z';
    const events = {
      agencyEid: eid,
      assigned: { ...base, seq: 3, type: 'assigned', fromStatus: 'RECEIVED', toStatus: 'IN_REVIEW', occurredAt: at, projection: { status: 'IN_REVIEW' as const }, handoff: { open: { step: 'review' as const, giverId: null, giverUnit: 'Bộ phận Một cửa', receiverId: 0, receiverUnit: '', dueAt: null } } },
      pending: { ...base, seq: 3, type: 'assignment_pending', fromStatus: 'RECEIVED', toStatus: 'RECEIVED', occurredAt: at, projection: { status: 'RECEIVED' as const }, handoff: { open: { step: 'assignment' as const, giverId: null, giverUnit: 'Bộ phận Một cửa', receiverId: null, receiverUnit: 'Lãnh đạo cơ quan', dueAt: null } } },
    };
    return { dossierId, ids, events };
  }

  it('writes the assignment with the specialist it chose, once whatever the retries', async () => {
    const { dossierId, ids, events } = await receivedDossier(['Lê Thị Một', 'Phạm Văn Hai']);
    const first = await activities.assignAndRecord(events);
    expect(first).toEqual({ userId: ids[0], fullName: 'Lê Thị Một' });
    // A retry (the worker died before the marker) finds the dossier assigned and writes the same event.
    expect(await activities.assignAndRecord(events)).toEqual(first);
    expect(await db('dossiers').where('id', dossierId).first('status', 'assignee_id')).toEqual({ status: 'IN_REVIEW', assignee_id: ids[0] });
    const written = await db('dossier_events').where('dossier_id', dossierId).orderBy('seq').select('seq', 'type', 'data');
    expect(written.map((e) => e.type)).toEqual(['submitted', 'intake_accepted', 'assigned']);
    expect(written[2].data).toMatchObject({ assignee: { userId: ids[0], fullName: 'Lê Thị Một' } });
    expect(await db('dossier_handoffs').where({ dossier_id: dossierId, step: 'review' }).select('receiver_id', 'receiver_unit')).toEqual([{ receiver_id: ids[0], receiver_unit: 'Lê Thị Một' }]);
  });

  it('without an active specialist, writes that the dossier waits for a leader, and why', async () => {
    const { dossierId, events } = await receivedDossier([]);
    const r = await activities.assignAndRecord(events);
    expect(r).toEqual({ pending: expect.stringContaining('no active specialist') });
    expect(await db('dossiers').where('id', dossierId).first('status', 'assignee_id')).toEqual({ status: 'RECEIVED', assignee_id: null });
    const last = await db('dossier_events').where({ dossier_id: dossierId, seq: 3 }).first('type', 'data');
    expect(last).toMatchObject({ type: 'assignment_pending', data: { reason: (r as { pending: string }).pending } });
    expect(await db('dossier_handoffs').where({ dossier_id: dossierId, step: 'assignment' }).select('receiver_id', 'receiver_unit', 'closed_seq')).toEqual([{ receiver_id: null, receiver_unit: 'Lãnh đạo cơ quan', closed_seq: null }]);
  });
});
