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
