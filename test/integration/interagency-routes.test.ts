import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { Client } from '@temporalio/client';
import type { Redis } from 'ioredis';
import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { createApp } from '../../api/app';
import { createDb } from '../../db/connection';
import { recordDossierEvent, type HandoffOpening } from '../../db/repositories/dossier-events';
import { recordLegEvent } from '../../db/repositories/legs';
import type { LegEventRecord } from '../../activities/interagency';
import { http } from '../helpers/stack';
import { formDossier, processControlForm } from '../../forms/documents';

/**
 * The inter-agency routes that need no workflow (issue 17), on the app with strict response
 * validation: the leg worklist and detail for the LEG's agency (not the lead's), their 403, 404
 * and 422; the step actions' validation; the per-step supervision counts over the lead's and the
 * legs' rows; the dossier view's legs and routed step. Rows are written through recordDossierEvent
 * and recordLegEvent, as the workflows write them.
 */

const LEAD = { eid: '000.98.61.H29', name: 'UBND xã Thử nghiệm Tuyến' };
const POLICE = { eid: '000.98.62.H29', name: 'Công an xã Thử nghiệm Tuyến' };
const OTHER = { eid: '000.98.63.H29', name: 'Phòng Thử nghiệm Khác' };
const at = (s: string) => `2026-${s.slice(0, 5)}T${s.slice(6)}:00+07:00`;

describe('inter-agency routes', () => {
  let db: Knex;
  let server: Server;
  let base: string;
  const users: Record<string, number> = {};
  let legId: number;
  const code = `${LEAD.eid}-260311-0001`;
  const wf = `dossier-${code}/leg/police-check/1`;

  const get = (path: string, user: string) => http('GET', `${base}/api/v1/${path}`, { headers: { 'X-User-Id': user } });
  const post = (path: string, user: string, body: unknown) => http('POST', `${base}/api/v1/${path}`, { headers: { 'X-User-Id': user }, body });

  beforeAll(async () => {
    db = createDb(inject('databaseUrl'));
    const calendar = await db('work_calendars').where({ code: 'VN-STATE' }).orderBy('version', 'desc').first('id');
    const ids: Record<string, number> = {};
    for (const a of [LEAD, POLICE, OTHER]) {
      const [row] = await db('agencies').insert({ eid: a.eid, name: a.name, level: 'commune', calendar_id: calendar.id }).returning('id');
      ids[a.eid] = row.id;
    }
    for (const [username, agency, role] of [
      ['tuyen.lead', LEAD.eid, 'leader'],
      ['tuyen.leadcv', LEAD.eid, 'specialist'],
      ['tuyen.giamsat', LEAD.eid, 'supervisor'],
      ['tuyen.ca.lanhdao', POLICE.eid, 'leader'],
      ['tuyen.ca.cv', POLICE.eid, 'specialist'],
      ['tuyen.ca.giamsat', POLICE.eid, 'supervisor'],
      ['tuyen.khac', OTHER.eid, 'leader'],
      ['tuyen.gs2', LEAD.eid, 'supervisor'],
    ] as const) {
      const [u] = await db('users').insert({ username, full_name: `Cán bộ ${username}` }).returning('id');
      users[username] = u.id;
      await db('user_roles').insert({ user_id: u.id, agency_id: ids[agency], role });
    }
    await db('user_roles').insert({ user_id: users['tuyen.gs2'], agency_id: ids[POLICE.eid], role: 'supervisor' });
    const procedureId = (await db('procedures').where('code', 'KT-HKD').first('id')).id;
    const [d] = await db('dossiers')
      .insert({
        code,
        workflow_id: `dossier-${code}`,
        procedure_id: procedureId,
        agency_id: ids[LEAD.eid],
        channel: 'counter',
        delivery_method: 'counter',
        status: 'IN_REVIEW',
        applicant_full_name: 'Trần Thị Tuyến',
        applicant_id_number: '079000000091',
        submitted_at: at('03-11 08:00'),
        received_at: at('03-11 08:00'),
        due_at: at('03-31 17:00'),
        appointment_at: at('03-31 17:00'),
        calendar_code: 'VN-STATE',
        calendar_version: 1,
      })
      .returning('id');
    const open = (stepKey: string, budgetHours: number, extra: Partial<HandoffOpening> = {}): HandoffOpening => ({
      step: 'review',
      giverId: null,
      giverUnit: 'Bộ phận Một cửa',
      receiverId: null,
      receiverUnit: 'Phòng Kinh tế',
      dueAt: null,
      stepKey,
      stepName: `Bước ${stepKey}`,
      budgetHours,
      ...extra,
    });
    const routeStep = { key: 'police-check', name: 'Xác nhận của Công an', unit: 'Công an xã', kind: 'leg', role: 'leader', agencyEid: POLICE.eid, enteredAt: at('03-11 10:00'), dueAt: at('03-13 10:00'), actions: ['chase'], sendBackTo: [] };
    const event = (seq: number, when: string, handoff: { close?: boolean; open?: HandoffOpening }, projection = {}) =>
      recordDossierEvent(db, { dossierId: d.id, seq, type: 'step_forwarded', fromStatus: 'IN_REVIEW', toStatus: 'IN_REVIEW', actorId: null, actorRole: null, occurredAt: at(when), isPublic: false, data: {}, projection, handoff });
    // s1 by the lead's specialist, done late; then the leg to the police.
    await event(1, '03-11 08:00', { open: open('s1', 1, { receiverId: users['tuyen.leadcv']! }) });
    await event(2, '03-11 10:00', { close: true, open: open('police-check', 16, { step: 'leg', agencyEid: POLICE.eid, receiverUnit: 'Công an xã' }) }, { procedureVersion: 2, routeStep, faultAgencyEid: null });
    const leg = (seq: number, when: string, handoff: LegEventRecord['handoff'], type = 'leg_step'): LegEventRecord => ({
      dossierId: d.id,
      legWorkflowId: wf,
      kind: 'leg',
      agencyEid: POLICE.eid,
      stepKey: 'police-check',
      seq,
      type,
      actorId: null,
      actorRole: null,
      occurredAt: at(when),
      data: {},
      leg: {
        status: 'open',
        startedAt: at('03-11 10:00'),
        dueAt: at('03-13 10:00'),
        late: false,
        finishedAt: null,
        step: { key: 'p2', name: 'Thẩm tra', unit: 'Đội nghiệp vụ', kind: 'review', role: 'specialist', dueAt: at('03-12 11:00') },
        assigneeId: users['tuyen.ca.cv']!,
      },
      handoff,
    });
    await recordLegEvent(db, leg(1, '03-11 10:00', { open: open('p1', 2, { receiverUnit: 'Bộ phận Một cửa Công an' }) }, 'leg_received'));
    await recordLegEvent(db, leg(2, '03-11 11:00', { close: true, open: open('p2', 8, { receiverId: users['tuyen.ca.cv']!, receiverUnit: 'Đội nghiệp vụ' }) }));
    legId = Number((await db('dossier_legs').where('workflow_id', wf).first('id')).id);
    // A second dossier of the lead, decided late because the police's leg was late: the police's fault.
    await db('dossiers').insert({
      code: `${LEAD.eid}-260302-0001`,
      workflow_id: `dossier-${LEAD.eid}-260302-0001`,
      procedure_id: procedureId,
      agency_id: ids[LEAD.eid],
      channel: 'counter',
      delivery_method: 'counter',
      status: 'APPROVED',
      applicant_full_name: 'Lê Văn Muộn',
      applicant_id_number: '079000000092',
      submitted_at: at('03-02 08:00'),
      received_at: at('03-02 08:00'),
      due_at: at('03-05 17:00'),
      appointment_at: at('03-05 17:00'),
      calendar_code: 'VN-STATE',
      calendar_version: 1,
      processing_ended_at: at('03-09 10:00'),
      processing_end_kind: 'decision',
      approved_at: at('03-09 10:00'),
      processing_working_ms: 5 * 28_800_000,
      working_day_ms: 28_800_000,
      fault_agency_eid: POLICE.eid,
    });

    const app = createApp({ db, redis: {} as Redis, temporal: {} as Client, taskQueue: 'legs-unused', responseValidation: 'strict' });
    server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server?.closeAllConnections();
    await new Promise((r) => server?.close(r));
    await db?.destroy();
  });

  it('GET /legs: the leg agency’s officers see its open legs; the lead agency and others do not', async () => {
    const r = await get('legs', 'tuyen.ca.cv');
    expect(r.status).toBe(200);
    expect(r.body.legs).toHaveLength(1);
    expect(r.body.legs[0]).toMatchObject({
      id: legId,
      workflowId: wf,
      kind: 'leg',
      agency: POLICE,
      dossier: { code, leadAgency: LEAD },
      procedure: { code: 'KT-HKD' },
      stepKey: 'police-check',
      step: { key: 'p2', name: 'Thẩm tra', unit: 'Đội nghiệp vụ' },
      status: 'open',
      assignee: { userId: users['tuyen.ca.cv'], fullName: 'Cán bộ tuyen.ca.cv' },
      dueAt: '2026-03-13T10:00:00+07:00',
    });
    expect((await get('legs', 'tuyen.lead')).body).toEqual({ legs: [] });
    expect((await get(`legs?agency=${OTHER.eid}`, 'tuyen.khac')).body).toEqual({ legs: [] });
    expect((await get('legs?kind=consultation', 'tuyen.ca.cv')).body).toEqual({ legs: [] });
  });

  it('GET /legs: 403 for an agency where the caller has no role, or for no role at all; 422 for a bad query', async () => {
    const r = await get(`legs?agency=${POLICE.eid}`, 'tuyen.lead');
    expect(r.status).toBe(403);
    expect(r.body.reason).toBe('NoRoleInAgency');
    const none = await get('legs', 'nobody.at.all');
    expect([401, 403]).toContain(none.status);
    const bad = await get('legs?kind=other', 'tuyen.ca.cv');
    expect(bad.status).toBe(422);
  });

  it('GET /legs/{id}: the leg with its log and its rows of the lead’s sheet, for the leg’s and the lead’s officers; 404 for others and unknown ids', async () => {
    const r = await get(`legs/${legId}`, 'tuyen.ca.lanhdao');
    expect(r.status).toBe(200);
    expect(r.body.events.map((e: { type: string }) => e.type)).toEqual(['leg_received', 'leg_step']);
    expect(r.body.handoffs.map((h: { stepKey: string; outcome: string | null }) => [h.stepKey, h.outcome])).toEqual([
      ['p1', 'on_time'],
      ['p2', null],
    ]);
    expect((await get(`legs/${legId}`, 'tuyen.lead')).status).toBe(200);
    const other = await get(`legs/${legId}`, 'tuyen.khac');
    expect(other.status).toBe(404);
    expect(other.body.reason).toBe('UnknownLeg');
    expect((await get('legs/999999999', 'tuyen.ca.cv')).status).toBe(404);
    expect((await get('legs/abc', 'tuyen.ca.cv')).status).toBe(422);
  });

  it('leg actions: 404 outside the leg’s agency, 403 without the role there, 422 for a bad body (before any workflow is asked)', async () => {
    // The lead's leader holds no role in the police: their lead roles do not count.
    const lead = await post(`legs/${legId}/forward`, 'tuyen.lead', { stepKey: 'p2' });
    expect(lead.status).toBe(404);
    expect((await post(`legs/${legId}/finish`, 'tuyen.khac', { stepKey: 'p2', outcome: 'approve' })).status).toBe(404);
    const assign = await post(`legs/${legId}/assignment`, 'tuyen.ca.cv', { specialist: 'tuyen.ca.cv' });
    expect(assign.status).toBe(403);
    expect(assign.body.reason).toBe('RoleRequired');
    const finish = await post(`legs/${legId}/finish`, 'tuyen.ca.lanhdao', { stepKey: 'p2', outcome: 'maybe' });
    expect(finish.status).toBe(422);
    expect((await post(`legs/${legId}/answer`, 'tuyen.ca.lanhdao', { opinion: '', agrees: 'yes' })).status).toBe(422);
    const notSpecialist = await post(`legs/${legId}/assignment`, 'tuyen.ca.lanhdao', { specialist: 'tuyen.leadcv' });
    expect(notSpecialist.status).toBe(422);
    // A send-back without its target and reason: refused for the body, on a leg the caller's agency holds.
    expect((await post(`legs/${legId}/send-back`, 'tuyen.ca.lanhdao', { stepKey: 'p2' })).status).toBe(422);
  });

  it('step actions on the lead dossier: 422 for a bad body, 404 for another agency’s officer', async () => {
    expect((await post(`dossiers/${code}/steps/forward`, 'tuyen.lead', {})).status).toBe(422);
    expect((await post(`dossiers/${code}/steps/send-back`, 'tuyen.lead', { stepKey: 's2', toStep: 's1' })).status).toBe(422);
    expect((await post(`dossiers/${code}/result/issue`, 'tuyen.lead', { stepKey: '' })).status).toBe(422);
    const dup = await post(`dossiers/${code}/consultations`, 'tuyen.lead', { stepKey: 's2', requests: [{ agencyEid: POLICE.eid, question: 'A?' }, { agencyEid: POLICE.eid, question: 'B?' }] });
    expect(dup.status).toBe(422);
    expect((await post(`dossiers/${code}/consultations`, 'tuyen.lead', { stepKey: 's2', requests: [] })).status).toBe(422);
    expect((await post(`dossiers/${code}/legs/chase`, 'tuyen.lead', { note: 'nhanh' })).status).toBe(422);
    expect((await post(`dossiers/${code}/steps/forward`, 'tuyen.ca.cv', { stepKey: 'police-check' })).status).toBe(404);
  });

  it('the lead’s officers see the routed step, the legs and the leg’s rows on the sheet; the staff worklist shows the routed step and its holder', async () => {
    const view = await get(`dossiers/${code}`, 'tuyen.lead');
    expect(view.status).toBe(200);
    expect(view.body.procedureVersion).toEqual({ procedureCode: 'KT-HKD', version: 2, isDefault: false });
    expect(view.body.step).toEqual({
      key: 'police-check',
      name: 'Xác nhận của Công an',
      unit: 'Công an xã',
      kind: 'leg',
      role: 'leader',
      agencyEid: POLICE.eid,
      enteredAt: '2026-03-11T10:00:00+07:00',
      dueAt: '2026-03-13T10:00:00+07:00',
    });
    expect(view.body.faultAgencyEid).toBeNull();
    expect(view.body.legs).toEqual([
      expect.objectContaining({ workflowId: wf, kind: 'leg', stepKey: 'police-check', agencyEid: POLICE.eid, status: 'open', step: { key: 'p2', name: 'Thẩm tra', unit: 'Đội nghiệp vụ' } }),
    ]);
    // The leg's officers do not see the lead's dossier itself.
    expect((await get(`dossiers/${code}`, 'tuyen.ca.lanhdao')).status).toBe(404);

    const sheet = await get(`dossiers/${code}/process-control`, 'tuyen.lead');
    expect(sheet.status).toBe(200);
    expect(sheet.body.handoffs.map((h: Record<string, unknown>) => [h.stepKey, h.agencyEid ?? null, h.legWorkflowId ?? null, h.outcome])).toEqual([
      ['s1', null, null, 'late'],
      ['police-check', POLICE.eid, null, null],
      ['p1', POLICE.eid, wf, 'on_time'],
      ['p2', POLICE.eid, wf, null],
    ]);

    // Form 06 names each routed step and the agency receiving the leg's rows.
    const form06 = await processControlForm(db, (await formDossier(db, code))!);
    const table = form06.blocks.find((b) => b.kind === 'table') as { rows: string[][] };
    expect(table.rows.map((r) => r[1])).toEqual(['Bước s1', 'Bước police-check', 'Bước p1', 'Bước p2']);
    expect(table.rows[2]![2]).toContain(`Nhận: Bộ phận Một cửa Công an (${POLICE.name})`);
    expect(table.rows[0]![2]).not.toContain('(');

    const list = await get(`dossiers?agency=${LEAD.eid}`, 'tuyen.lead');
    expect(list.status).toBe(200);
    const item = list.body.dossiers.find((d: { code: string }) => d.code === code);
    // The lead's own open row (the leg step), not the leg's inner rows.
    expect(item.currentStep).toMatchObject({ step: 'leg', holder: 'Công an xã' });
    expect(item.routedStep).toEqual({ key: 'police-check', name: 'Xác nhận của Công an', unit: 'Công an xã', role: 'leader', agencyEid: POLICE.eid, dueAt: '2026-03-13T10:00:00+07:00' });
  });

  it('a late dossier with an agency at fault counts against that agency in the QĐ 766 figures and the on-time rates', async () => {
    const q = 'from=2026-03-01&to=2026-04-01&asOf=2026-04-10T09:00:00%2B07:00';
    const rate21 = async (agency: string, user: string) => {
      const r = await get(`supervision/indicators?${q}&agency=${agency}`, user);
      expect(r.status).toBe(200);
      const i = r.body.indicators.find((x: { code: string }) => x.code === '2.1');
      return [i.numerator, i.denominator];
    };
    // The lead: only its first dossier (open past its due date: late); the late one is the police's.
    expect(await rate21(LEAD.eid, 'tuyen.giamsat')).toEqual([0, 1]);
    // The police: the lead's dossier its leg made late.
    expect(await rate21(POLICE.eid, 'tuyen.ca.giamsat')).toEqual([0, 1]);
    // Both: each dossier once.
    const both = await get(`supervision/indicators?${q}`, 'tuyen.gs2');
    expect(both.body.indicators.find((x: { code: string }) => x.code === '2.1')).toMatchObject({ numerator: 0, denominator: 2 });

    const onTime = await get(`supervision/on-time?${q}&groupBy=agency`, 'tuyen.gs2');
    expect(onTime.status).toBe(200);
    expect(onTime.body.groups).toEqual([expect.objectContaining({ key: POLICE.eid, name: POLICE.name, late: 1, total: 1 })]);
    expect((await get(`supervision/on-time?${q}&groupBy=agency&agency=${LEAD.eid}`, 'tuyen.giamsat')).body.groups).toEqual([]);
    const police = await get(`supervision/on-time?${q}&groupBy=agency&agency=${POLICE.eid}`, 'tuyen.ca.giamsat');
    expect(police.body.groups).toEqual([expect.objectContaining({ key: POLICE.eid, late: 1, total: 1 })]);
    // The deadline views name the agency at fault.
    await db('dossiers').where('code', code).update({ fault_agency_eid: POLICE.eid });
    try {
      const overdue = await get(`supervision/dossiers?view=overdue&asOf=2026-04-01T09:00:00%2B07:00&agency=${LEAD.eid}`, 'tuyen.giamsat');
      expect(overdue.status).toBe(200);
      expect(overdue.body.dossiers.find((d: { code: string }) => d.code === code)).toMatchObject({ faultAgencyEid: POLICE.eid });
    } finally {
      await db('dossiers').where('code', code).update({ fault_agency_eid: null });
    }
    // By procedure, the lead's dossier stays the lead's.
    const byProcedure = await get(`supervision/on-time?${q}&groupBy=procedure&agency=${LEAD.eid}`, 'tuyen.giamsat');
    expect(byProcedure.body.groups).toEqual([expect.objectContaining({ key: 'KT-HKD', late: 1, total: 1 })]);
  });

  it('GET /supervision/steps: early / on time / late per step, unit and officer, the legs’ rows for the leg’s agency', async () => {
    const lead = await get(`supervision/steps?from=2026-03-01&to=2026-04-01&asOf=2026-04-10T09:00:00%2B07:00&agency=${LEAD.eid}`, 'tuyen.giamsat');
    expect(lead.status).toBe(200);
    // s1: due 09:00 (1 h from 08:00), done 10:00: late.
    expect(lead.body.steps).toEqual([{ stepKey: 's1', stepName: 'Bước s1', agencyEid: LEAD.eid, early: 0, onTime: 0, late: 1, total: 1 }]);
    expect(lead.body.units).toEqual([{ unit: 'Phòng Kinh tế', agencyEid: LEAD.eid, early: 0, onTime: 0, late: 1, total: 1 }]);
    expect(lead.body.officers).toEqual([{ userId: users['tuyen.leadcv'], fullName: 'Cán bộ tuyen.leadcv', agencyEid: LEAD.eid, early: 0, onTime: 0, late: 1, total: 1 }]);
    const police = await get(`supervision/steps?from=2026-03-01&to=2026-04-01&asOf=2026-04-10T09:00:00%2B07:00&agency=${POLICE.eid}`, 'tuyen.ca.giamsat');
    expect(police.status).toBe(200);
    // p1: 2 h from 10:00 → 13:30, done 11:00 the same day: on time.
    expect(police.body.steps).toEqual([{ stepKey: 'p1', stepName: 'Bước p1', agencyEid: POLICE.eid, early: 0, onTime: 1, late: 0, total: 1 }]);
    expect(police.body.officers).toEqual([]);
    expect((await get(`supervision/steps?from=2026-03-01&to=2026-04-01&agency=${POLICE.eid}`, 'tuyen.giamsat')).status).toBe(403);
    expect((await get('supervision/steps?from=2026-04-01&to=2026-03-01', 'tuyen.giamsat')).status).toBe(422);
  });
});
