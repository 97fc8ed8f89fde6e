import { describe, expect, it } from 'vitest';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { applicantIds, citizenToken, dossierClient, eventually, http, payFeeAtCounter, processControl, recordHistory, uniqueKey } from '../helpers/stack';
import { useStack } from '../helpers/use-stack';
import { findProcedureChain } from '../../db/repositories/chains';
import { startPendingChainWorkflows, storeChainSubmission } from '../../dossiers/chains';

/**
 * Liên thông điện tử (ND 297/2025) over HTTP on the real stack: the citizen submits once; the
 * commune registers the household business, the commune police certify security and order,
 * the Department of Culture and Sports licenses the karaoke; each stage is an ordinary dossier
 * of its agency with the earlier results among its documents; one lookup code shows them all.
 */
describe('inter-agency chain LT-297-KARAOKE', () => {
  const { api, finished, taskQueue } = useStack({ name: 'chain' });
  const { lookup, ownerLookup, officer, assigneeOf } = dossierClient(() => api);
  const idNumber = applicantIds('0797');
  const CHAIN = 'LT-297-KARAOKE';
  const STAGES = [
    { agency: '000.20.20.H29', procedure: 'KT-HKD', oneStop: 'motcua.saigon', leader: 'lanhdao.saigon' },
    { agency: '000.20.21.H29', procedure: 'CA-ANTT', oneStop: 'motcua.saigon', leader: 'truongcongan.saigon' },
    { agency: '000.00.23.H29', procedure: 'VH-KARAOKE', oneStop: 'motcua.tphcm', leader: 'lanhdao.vhtt' },
  ];
  const PERIOD = (() => {
    const d = new Date(Date.now() + 7 * 3_600_000).toISOString().slice(0, 10);
    const next = new Date(Date.parse(d) + 2 * 86_400_000).toISOString().slice(0, 10);
    const prev = new Date(Date.parse(d) - 86_400_000).toISOString().slice(0, 10);
    return `from=${prev}&to=${next}`;
  })();
  const submit = async (applicantId: string, key = uniqueKey('chain')) =>
    http('POST', `${api.baseUrl}/api/v1/citizen/chains/${CHAIN}/submissions`, {
      body: {
        deliveryMethod: 'online',
        applicant: { fullName: 'Trần Văn Ca', idNumber: applicantId, phone: '0912345678', email: 'ca.tran@example.vn' },
        documents: [
          { name: 'Giấy đề nghị đăng ký hộ kinh doanh', stage: 1 },
          { name: 'Văn bản đề nghị cấp Giấy chứng nhận đủ điều kiện về an ninh, trật tự', checklistItem: 1, stage: 2 },
          { name: 'Bản khai lý lịch của người chịu trách nhiệm về an ninh, trật tự', checklistItem: 3, stage: 2 },
          { name: 'Đơn đề nghị cấp giấy phép kinh doanh dịch vụ karaoke', checklistItem: 1, stage: 3 },
          { name: 'Bản sao giấy chứng nhận đủ điều kiện về phòng cháy, chữa cháy', checklistItem: 2, stage: 3 },
          { name: 'Bản vẽ mặt bằng các phòng hát', checklistItem: 3, stage: 3 },
        ],
      },
      headers: { 'Idempotency-Key': key, Authorization: `Bearer ${await citizenToken(applicantId)}` },
    });
  const indicator21 = async (agency: string) => {
    const r = await http('GET', `${api.baseUrl}/api/v1/supervision/indicators?${PERIOD}&agency=${agency}`, { headers: { 'X-User-Id': 'giamsat.saigon' } });
    expect(r.status).toBe(200);
    return r.body.indicators.find((i: { code: string }) => i.code === '2.1') as { numerator: number; denominator: number };
  };
  /** Waits for the chain's workflow to return and keeps its history for the replay test (RECORD_HISTORIES=1). */
  const chainFinished = async (code: string, historyName: string) => {
    const handle = api.temporal.workflow.getHandle(`chain-${code}`);
    const result = await handle.result();
    recordHistory(historyName, historyToJSON(await handle.fetchHistory()));
    return result;
  };
  /** The code of the chain's stage `stage`, once the chain has made it. */
  const stageCode = async (chainCode: string, stage: number): Promise<string> => {
    const s = await eventually(() => lookup(chainCode), (r) => r.status === 200 && !!r.body.chain?.stages[stage - 1]?.code);
    return s.body.chain.stages[stage - 1].code;
  };

  /** One stage through its agency: fee paid, received, appraised and proposed, decided; its result goes online to the chain. */
  async function processStage(code: string, s: (typeof STAGES)[number], decision: 'approve' | 'deny' = 'approve') {
    await eventually(() => lookup(code), (r) => r.body.history?.length === 1);
    await payFeeAtCounter(api.baseUrl, code, s.oneStop);
    const accepted = await officer(code, 'intake/accept', s.oneStop);
    expect([accepted.status, accepted.body.detail]).toEqual([200, undefined]);
    const specialist = await eventually(() => api.db('dossiers').where({ code }).first('assignee_id'), (r) => !!r.assignee_id).then(() => assigneeOf(code));
    const reasons = decision === 'deny' ? ['Địa điểm kinh doanh không bảo đảm điều kiện về an ninh, trật tự'] : undefined;
    expect((await officer(code, 'review/proposal', specialist, { proposal: decision, reasons })).status).toBe(200);
    expect((await officer(code, 'decision', s.leader, { decision, reasons })).status).toBe(200);
  }

  it('lists the published chain with its stages and limits', async () => {
    const list = await http('GET', `${api.baseUrl}/api/v1/procedure-chains`);
    expect(list.status).toBe(200);
    const one = await http('GET', `${api.baseUrl}/api/v1/procedure-chains/${CHAIN}`);
    expect(one.body).toMatchObject({
      code: CHAIN,
      basis: 'Nghị định 297/2025/NĐ-CP',
      totalLimit: { unit: 'working_days', value: 16 },
      stages: STAGES.map((s, i) => ({ stage: i + 1, procedure: { code: s.procedure }, agency: { eid: s.agency } })),
    });
    expect(list.body.items.map((c: { code: string }) => c.code)).toContain(CHAIN);
    expect((await http('GET', `${api.baseUrl}/api/v1/procedure-chains/KHONG-CO`)).body.reason).toBe('UnknownChain');
  });

  it('one submission, three agencies in turn, each result passed on; one lookup code shows every stage', async () => {
    await api.db('user_roles').insert(
      (await api.db('agencies').whereIn('eid', [STAGES[1]!.agency, STAGES[2]!.agency]).select('id')).map((a) => ({ user_id: api.db('users').where({ username: 'giamsat.saigon' }).select('id'), agency_id: a.id, role: 'supervisor' })),
    ).onConflict(['user_id', 'agency_id', 'role']).ignore();
    const before = await Promise.all(STAGES.map((s) => indicator21(s.agency)));

    const applicant = idNumber();
    const key = uniqueKey('chain');
    const r = await submit(applicant, key);
    expect([r.status, r.body.detail]).toEqual([201, undefined]);
    const chainCode: string = r.body.code;
    expect(chainCode).toMatch(/^000\.20\.20\.H29-\d{6}-\d{4,}$/);
    expect(r.body.dossier).toMatchObject({ code: chainCode, procedure: { code: 'KT-HKD' }, agency: { eid: '000.20.20.H29' }, deliveryMethod: 'online' });
    expect(r.body.chain).toMatchObject({ code: chainCode, chainCode: CHAIN, status: { code: 'IN_PROGRESS' }, currentStage: 1, dueAt: null });
    expect(r.body.chain.stages.map((s: { code: string | null }) => s.code)).toEqual([chainCode, null, null]);
    // The same key again: the same chain, nothing made twice.
    const again = await submit(applicant, key);
    expect([again.status, again.body.code]).toEqual([200, chainCode]);

    // Stage 1: the commune's one-stop, specialist and leader, as any dossier.
    await processStage(chainCode, STAGES[0]!);
    const code2 = await stageCode(chainCode, 2);
    expect(code2).toMatch(/^000\.20\.21\.H29-/);
    const chainAfter1 = (await lookup(chainCode)).body.chain;
    expect(chainAfter1.stages[0]).toMatchObject({ code: chainCode, status: { code: 'COMPLETED' }, resultNumber: expect.stringMatching(/\/KQ-000\.20\.20\.H29$/) });
    expect(chainAfter1.dueAt).toMatch(/\+07:00$/);

    // Stage 2 waits in the police one-stop's worklist, the commune's result among its documents (as the checklist item it is).
    const worklist = await http('GET', `${api.baseUrl}/api/v1/dossiers?agency=000.20.21.H29&status=SUBMITTED&limit=100`, { headers: { 'X-User-Id': 'motcua.saigon' } });
    expect(worklist.status).toBe(200);
    expect(worklist.body.dossiers.map((d: { code: string }) => d.code)).toContain(code2);
    const view2 = await http('GET', `${api.baseUrl}/api/v1/dossiers/${code2}`, { headers: { 'X-User-Id': 'motcua.saigon' } });
    expect(view2.status).toBe(200);
    // As the police one-stop officer reads it: item 2 of the checklist supplied by the commune's result, the checklist complete.
    const item2 = view2.body.checklist.items.find((i: { item: number }) => i.item === 2);
    expect(item2).toMatchObject({ status: 'supplied', documents: [expect.objectContaining({ name: expect.stringContaining(chainAfter1.stages[0].resultNumber) })] });
    expect(view2.body.checklist.complete).toBe(true);
    const docs2 = (await api.db('dossiers').where({ code: code2 }).first('documents', 'applicant_id_number', 'delivery_method')) as { documents: Array<{ name: string; checklistItem?: number }>; applicant_id_number: string; delivery_method: string };
    expect(docs2.applicant_id_number).toBe(applicant);
    expect(docs2.documents[0]).toEqual({ name: expect.stringContaining(`${chainAfter1.stages[0].resultNumber} (kết quả hồ sơ ${chainCode}`), checklistItem: 2 });
    expect(docs2.documents.map((d) => d.name)).toContain('Bản khai lý lịch của người chịu trách nhiệm về an ninh, trật tự');

    // Stage 2 by the police, stage 3 by the department.
    await processStage(code2, STAGES[1]!);
    const code3 = await stageCode(chainCode, 3);
    expect(code3).toMatch(/^000\.00\.23\.H29-/);
    const docs3 = (await api.db('dossiers').where({ code: code3 }).first('documents')).documents as Array<{ name: string }>;
    expect(docs3.filter((d) => d.name.includes('chuyển liên thông'))).toHaveLength(2); // both earlier results
    await processStage(code3, STAGES[2]!);
    expect((await finished(code3, 'chain-stage-3')).status).toBe('COMPLETED');
    expect((await chainFinished(chainCode, 'chain-completed')).status).toBe('COMPLETED');

    // The one lookup code: every stage, its agency, status and dates, the total due date.
    const done = await eventually(() => lookup(chainCode), (s) => s.body.chain?.status.code === 'COMPLETED');
    const chain = done.body.chain;
    expect(chain).toMatchObject({ code: chainCode, name: expect.stringContaining('karaoke'), totalLimit: { unit: 'working_days', value: 16 }, currentStage: 3, onTime: true, lateStage: null, stop: null });
    expect(chain.dueAt).toMatch(/\+07:00$/);
    expect(Date.parse(chain.dueAt)).toBeGreaterThan(Date.parse(chain.receivedAt));
    expect(chain.stages.map((s: any) => [s.stage, s.procedure.code, s.agency.eid, s.status.code])).toEqual([
      [1, 'KT-HKD', '000.20.20.H29', 'COMPLETED'],
      [2, 'CA-ANTT', '000.20.21.H29', 'COMPLETED'],
      [3, 'VH-KARAOKE', '000.00.23.H29', 'COMPLETED'],
    ]);
    for (const s of chain.stages) expect(s).toMatchObject({ receivedAt: expect.stringMatching(/\+07:00$/), appointmentAt: expect.stringMatching(/\+07:00$/), completedAt: expect.stringMatching(/\+07:00$/), resultNumber: expect.stringMatching(/\/KQ-/) });
    // By a later stage's code too; and the applicant masked as the lookup masks.
    const byStage3 = await lookup(code3);
    expect(byStage3.body.chain).toEqual(chain);
    expect(JSON.stringify(byStage3.body)).not.toContain('Trần Văn Ca');
    // The applicant's own list shows each stage as part of the chain.
    const mine = await http('GET', `${api.baseUrl}/api/v1/citizen/dossiers`, { headers: { Authorization: `Bearer ${await citizenToken(applicant)}` } });
    const lines = mine.body.dossiers.filter((d: any) => d.chain?.code === chainCode);
    expect(lines.map((d: any) => d.chain.stage).sort()).toEqual([1, 2, 3]);
    expect((await ownerLookup(code2)).body.chain.code).toBe(chainCode);

    // Each stage's own process-control sheet, complete.
    for (const [code, supervisor] of [[chainCode, 'giamsat.saigon'], [code2, 'giamsat.saigon'], [code3, 'giamsat.saigon']] as const) {
      const sheet = await processControl(api.baseUrl, code, supervisor);
      expect(sheet.map((h) => h.step)).toEqual(expect.arrayContaining(['intake', 'review', 'decision']));
      expect(sheet.every((h) => h.doneAt)).toBe(true);
    }
    // Decision 766: each stage counted under its own agency.
    const after = await Promise.all(STAGES.map((s) => indicator21(s.agency)));
    after.forEach((a, i) => expect(a.denominator, STAGES[i]!.agency).toBeGreaterThanOrEqual(before[i]!.denominator + 1));
  });

  it('a denied stage stops the chain: the later stages never start', async () => {
    const r = await submit(idNumber());
    expect(r.status).toBe(201);
    const chainCode: string = r.body.code;
    await processStage(chainCode, STAGES[0]!);
    const code2 = await stageCode(chainCode, 2);
    await processStage(code2, STAGES[1]!, 'deny');
    expect((await chainFinished(chainCode, 'chain-stopped')).stop).toEqual({ stage: 2, status: 'DENIED' });
    const stopped = await eventually(() => lookup(chainCode), (s) => s.body.chain?.status.code === 'STOPPED');
    expect(stopped.body.chain).toMatchObject({ status: { code: 'STOPPED' }, stop: { stage: 2, status: { code: 'DENIED' } }, onTime: null });
    expect(stopped.body.chain.stages.map((s: any) => s.status?.code ?? null)).toEqual(['COMPLETED', 'DENIED', null]);
    expect(stopped.body.chain.stages[2].code).toBeNull();
  });

  it('a chain stored while Temporal was unreachable is started by the reconciler', async () => {
    const applicant = idNumber();
    const chain = (await findProcedureChain(api.db, CHAIN))!;
    const stored = await storeChainSubmission(api.db, {
      caller: `citizen:${applicant}`,
      key: uniqueKey('chain-deferred'),
      request: { deferred: true },
      chain,
      deliveryMethod: 'counter',
      applicant: { fullName: 'Lê Thị Hoãn', idNumber: applicant },
      postalAddress: null,
      documents: [{ name: 'Giấy đề nghị đăng ký hộ kinh doanh', stage: 1 }],
      submittedAt: new Date(Date.now() - 60_000),
    });
    const code = (await api.db('dossier_chains').where({ id: stored.chainId }).first('code')).code as string;
    expect((await lookup(code)).body.history).toEqual([]); // stored, not begun
    const r = await startPendingChainWorkflows(api.db, api.temporal, taskQueue, { olderThanMs: 30_000 });
    expect(r.started).toBeGreaterThanOrEqual(1);
    await eventually(() => lookup(code), (s) => s.body.history?.length === 1);
    expect((await api.db('dossier_chains').where({ id: stored.chainId }).first('workflow_started_at')).workflow_started_at).toBeTruthy();
    // The first stage delivers online to the next agency; the citizen's counter delivery is the last stage's.
    expect((await api.db('dossiers').where({ code }).first('delivery_method')).delivery_method).toBe('online');
    await api.temporal.workflow.getHandle(`chain-${code}`).terminate('test over');
    await api.temporal.workflow.getHandle(`dossier-${code}`).terminate('test over');
  });
});
