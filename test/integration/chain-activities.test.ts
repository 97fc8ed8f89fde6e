import crypto from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { chainActivities } from '../../activities/chains';
import { createDb } from '../../db/connection';
import { findProcedureChain } from '../../db/repositories/chains';
import { chainView, storeChainSubmission } from '../../dossiers/chains';

/**
 * The chain workflow's activities against PostgreSQL: the next stage made once from the
 * previous one (its agency, its procedure, the earlier result as the checklist item it is, the
 * citizen's documents for it), and the end of a chain with its total due date and the stage
 * that was late (its agency at fault).
 */
describe('chain activities', () => {
  const db = createDb(inject('databaseUrl'));
  const activities = chainActivities({ db });
  afterAll(() => db.destroy());

  it('makes the next stage once, and finds the late stage at the end', async () => {
    const idNumber = `0799${String(crypto.randomInt(0, 99_999_999)).padStart(8, '0')}`;
    const chain = (await findProcedureChain(db, 'LT-297-KARAOKE'))!;
    const { chainId, dossierId } = await storeChainSubmission(db, {
      caller: `citizen:${idNumber}`,
      key: `chain-activities-${idNumber}`,
      request: { idNumber },
      chain,
      deliveryMethod: 'postal',
      applicant: { fullName: 'Phạm Thị Trễ', idNumber, phone: '0912345678' },
      postalAddress: { line: '1 Lê Lợi', ward: 'Phường Sài Gòn', province: 'Thành phố Hồ Chí Minh' },
      documents: [
        { name: 'Giấy đề nghị đăng ký hộ kinh doanh', stage: 1 },
        { name: 'Văn bản đề nghị cấp Giấy chứng nhận', checklistItem: 1, stage: 2 },
        { name: 'Đơn đề nghị cấp giấy phép', checklistItem: 1, stage: 3 },
      ],
      submittedAt: new Date('2026-12-01T02:00:00Z'),
    });
    // Stage 1 received on Tuesday 1 December 2026 at 09:00, due three working days later, completed a day late.
    await db('dossiers').where({ id: dossierId }).update({
      status: 'COMPLETED',
      received_at: new Date('2026-12-01T02:00:00Z'),
      due_at: new Date('2026-12-04T02:00:00Z'),
      completed_at: new Date('2026-12-07T03:00:00Z'),
    });
    await db('dossier_results').insert({ dossier_id: dossierId, number: `0099/2026/KQ-${idNumber}`, kind: 'result', title: 'Giấy chứng nhận đăng ký hộ kinh doanh', issued_at: new Date('2026-12-07T02:00:00Z') });

    const next = await activities.createNextStage({ chainId, fromDossierId: dossierId, stage: 2 });
    const again = await activities.createNextStage({ chainId, fromDossierId: dossierId, stage: 2 });
    expect(again).toEqual(next); // a retried activity makes nothing twice
    expect(next.input).toMatchObject({ agencyEid: '000.20.21.H29', procedureCode: 'CA-ANTT', channel: 'online', deliveryMethod: 'online' });
    expect(next.workflowId).toBe(`dossier-${next.input.code}`);
    const stage2 = await db('dossiers').where({ id: next.input.dossierId }).first('documents', 'chain_id', 'chain_stage', 'applicant_id_number', 'postal_address');
    expect(stage2).toMatchObject({ chain_id: chainId, chain_stage: 2, applicant_id_number: idNumber });
    expect(stage2.documents).toEqual([
      { name: expect.stringContaining(`Giấy chứng nhận đăng ký hộ kinh doanh số 0099/2026/KQ-${idNumber}`), checklistItem: 2 },
      { name: 'Văn bản đề nghị cấp Giấy chứng nhận', checklistItem: 1 },
    ]);

    // The total due date: 16 working days from the first receipt, on the commune's calendar.
    const row = await db('dossier_chains').where({ id: chainId }).first('due_at', 'received_at', 'current_stage');
    expect(row.received_at.toISOString()).toBe('2026-12-01T02:00:00.000Z');
    expect(row.due_at.getTime()).toBeGreaterThan(new Date('2026-12-22T00:00:00Z').getTime());
    expect(row.current_stage).toBe(2);

    // The police deny: the chain stops at stage 2; stage 1 finished after its own due date.
    await db('dossiers').where({ id: next.input.dossierId }).update({ status: 'DENIED' });
    await activities.finishChain({ chainId, outcome: 'STOPPED', stage: 2, stageStatus: 'DENIED', at: '2026-12-09T03:00:00Z' });
    const ended = await db('dossier_chains').where({ id: chainId }).first('status', 'stop_stage', 'stop_status', 'on_time', 'late_stage', 'late_agency_eid');
    expect(ended).toEqual({ status: 'STOPPED', stop_stage: 2, stop_status: 'DENIED', on_time: null, late_stage: 1, late_agency_eid: '000.20.20.H29' });
    const view = (await chainView(db, next.input.code))!;
    expect(view).toMatchObject({ status: { code: 'STOPPED' }, lateStage: 1, stop: { stage: 2, status: { code: 'DENIED' } } });
    expect(view.stages.map((s) => s.status?.code ?? null)).toEqual(['COMPLETED', 'DENIED', null]);
  });
});
