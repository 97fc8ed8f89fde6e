import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { createDb } from '../../db/connection';
import { allocateDossierCode, nextInTrackingBook } from '../../db/repositories/sequences';
import { issueResultNumberOnce } from '../../db/repositories/results';
import { formatDossierCode, parseDossierCode, dossierWorkflowId } from '../../domain/dossier-code';
import { maskPersonName } from '../../domain/masking';
import { storeSubmission, type Submission } from '../../dossiers/submission';
import { storeChainSubmission } from '../../dossiers/chains';
import { CHAINS } from '../../db/seeds/06_procedure_chains';

describe('dossier code format (TT 03/2025 art. 13)', () => {
  it('formats <agency e-ID>-<YYMMDD>-<4+ digit sequence>', () => {
    expect(formatDossierCode('000.00.01.H29', '2026-03-10', 420)).toBe('000.00.01.H29-260310-0420');
    expect(formatDossierCode('H15.50.05.13', '2026-10-08', 12345)).toBe('H15.50.05.13-261008-12345');
    expect(dossierWorkflowId('000.00.01.H29-260310-0420')).toBe('dossier-000.00.01.H29-260310-0420');
  });

  it('parses both agency-code styles and rejects malformed codes', () => {
    expect(parseDossierCode('38.98.H29-210519-0013')).toEqual({ agencyEid: '38.98.H29', yymmdd: '210519', sequence: 13 });
    expect(parseDossierCode('H15.50.05.13-261008-0975')?.agencyEid).toBe('H15.50.05.13');
    expect(parseDossierCode('000.00.01.H29-260310-42')).toBeNull();
    expect(parseDossierCode("x'; drop table dossiers;--")).toBeNull();
    expect(() => formatDossierCode('not an id', '2026-03-10', 1)).toThrow();
    expect(() => formatDossierCode('000.00.01.H29', '2026-03-10', 0)).toThrow();
  });

  it('masks applicant names for the public lookup', () => {
    expect(maskPersonName('Nguyễn Văn An')).toBe('N*** V*** A***');
    expect(maskPersonName('  Lê   Thị  Ý ')).toBe('L*** T*** Ý***');
  });
});

describe('dossier code allocation on PostgreSQL', () => {
  const db = createDb(inject('databaseUrl'), { max: 20 });
  afterAll(() => db.destroy());

  it('gives concurrent submissions distinct consecutive numbers per agency and day, restarting each day', async () => {
    const agency = await db('agencies').where('eid', '000.00.31.H29').first('id', 'eid');
    const day = '2030-01-15';
    const codes = await Promise.all(
      Array.from({ length: 40 }, () => db.transaction((trx) => allocateDossierCode(trx, agency, day))),
    );
    expect(new Set(codes).size).toBe(40);
    expect(codes.map((c) => parseDossierCode(c)!.sequence).sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    expect(await allocateDossierCode(db, agency, '2030-01-16')).toBe('000.00.31.H29-300116-0001');
    const other = await db('agencies').where('eid', '000.00.12.H29').first('id', 'eid');
    expect(await allocateDossierCode(db, other, day)).toBe('000.00.12.H29-300115-0001');
  });

  it('never hands out a number twice, even after a rolled-back submission', async () => {
    const agency = await db('agencies').where('eid', '000.00.23.H29').first('id', 'eid');
    const day = '2030-02-01';
    const first = await db.transaction((trx) => allocateDossierCode(trx, agency, day));
    await expect(
      db.transaction(async (trx) => {
        await allocateDossierCode(trx, agency, day);
        throw new Error('submission failed');
      }),
    ).rejects.toThrow('submission failed');
    const next = await db.transaction((trx) => allocateDossierCode(trx, agency, day));
    expect(first).toBe('000.00.23.H29-300201-0001');
    expect(next).toBe('000.00.23.H29-300201-0002');
  });
});

describe('the tracking book (sổ theo dõi hồ sơ): a sequence per agency and year', () => {
  const db = createDb(inject('databaseUrl'), { max: 20 });
  afterAll(() => db.destroy());

  it('numbers concurrent first receipts of a book distinctly, going on from the count kept before its sequence', async () => {
    const agency = await db('agencies').where('eid', '000.00.31.H29').first('id');
    const other = await db('agencies').where('eid', '000.00.12.H29').first('id');
    // A book counted in tracking_book_sequences before migration 20261212000001 goes on after its last number.
    await db('tracking_book_sequences').insert({ agency_id: agency.id, year: 2033, last_value: 41 });
    // Up to 20 at once create the book's sequence: one does, the others use it.
    const numbers = await Promise.all(Array.from({ length: 30 }, () => db.transaction((trx) => nextInTrackingBook(trx, agency.id, 2033))));
    expect(numbers.sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, i) => 42 + i));
    expect(await nextInTrackingBook(db, agency.id, 2034)).toBe(1);
    expect(await nextInTrackingBook(db, other.id, 2033)).toBe(1);
  });

  it('keeps no other receipt of the agency waiting for the commit of the one holding a number; a failed one leaves a gap, never a number twice', async () => {
    const agency = await db('agencies').where('eid', '000.00.23.H29').first('id');
    expect(await nextInTrackingBook(db, agency.id, 2033)).toBe(1);
    const held = await db.transaction();
    try {
      expect(await nextInTrackingBook(held, agency.id, 2033)).toBe(2);
      // On a counter row locked to the commit, this one would wait for `held` and give up after 300 ms.
      const meanwhile = await db.transaction(async (trx) => {
        await trx.raw("set local lock_timeout = '300ms'");
        return nextInTrackingBook(trx, agency.id, 2033);
      });
      expect(meanwhile).toBe(3);
    } finally {
      await held.rollback();
    }
    expect(await nextInTrackingBook(db, agency.id, 2033)).toBe(4); // 2 is not given again (docs/domain.md §4)
  });
});

describe('storing a submission: its code taken outside the dossier\'s transaction', () => {
  const db = createDb(inject('databaseUrl'), { max: 20 });
  afterAll(() => db.destroy());
  const citizen = '079300000777';

  async function submission(tag: string, fileId?: string, at = { eid: '000.00.31.H29', procedure: 'TP-SAOSOGOC' }): Promise<Submission> {
    const agency = await db('agencies').where('eid', at.eid).first('id', 'eid');
    const procedure = await db('procedures').where('code', at.procedure).first('id');
    const request = { tag, fileId };
    return {
      caller: `citizen:${citizen}`, key: randomUUID(), request, channel: 'online', procedureId: procedure.id, agency, deliveryMethod: 'online',
      applicant: { fullName: 'Phạm Văn Mã Số', idNumber: citizen }, postalAddress: null,
      documents: [{ name: 'Tờ khai', ...(fileId ? { fileId } : {}) }], submittedAt: new Date('2026-03-03T02:00:00Z'),
    };
  }
  const codeOf = async (id: number) => (await db('dossiers').where({ id }).first('code')).code as string;
  const upload = async () => {
    const id = randomUUID();
    await db('documents').insert({ id, owner_id_number: citizen, filename: 'to-khai.pdf', media_type: 'application/pdf', size_bytes: 10, sha256: 'x'.repeat(64), storage_key: `test/${id}` });
    return id;
  };

  it('a submission still in its transaction does not hold the agency\'s next one: the code counter is free once the code is taken', async () => {
    const fileId = await upload();
    const holder = await db.transaction();
    try {
      // The file the first submission claims is locked here: it waits inside its transaction, its code taken.
      await holder('documents').where({ id: fileId }).forUpdate().first('id');
      const first = storeSubmission(db, await submission('first', fileId));
      await new Promise((r) => setTimeout(r, 300));
      // With the code taken inside the dossier's transaction, this one waited for the first's commit (here, for ever).
      const second = await Promise.race([storeSubmission(db, await submission('second')), new Promise<'held'>((r) => setTimeout(() => r('held'), 5_000))]);
      expect(second).not.toBe('held');
      await holder.commit();
      const a = await first;
      const b = second as { dossierId: number };
      expect(parseDossierCode(await codeOf(b.dossierId))!.sequence).toBe(parseDossierCode(await codeOf(a.dossierId))!.sequence + 1);
      expect(Number((await db('documents').where({ id: fileId }).first('dossier_id')).dossier_id)).toBe(a.dossierId);
    } finally {
      if (!holder.isCompleted()) await holder.rollback();
    }
  });

  it('a chain\'s first stage takes its code the same way: held in its transaction, the agency\'s next submission goes on; a wrong file takes no code', async () => {
    const chain = CHAINS[0]!;
    const first = { eid: chain.stages[0]!.agencyEid, procedure: chain.stages[0]!.procedureCode };
    const asChain = (sub: Submission, fileId?: string) => ({
      caller: sub.caller, key: sub.key, request: sub.request, chain, deliveryMethod: 'online' as const, applicant: sub.applicant, postalAddress: null,
      documents: [{ name: 'Tờ khai', stage: 1, ...(fileId ? { fileId } : {}) }], submittedAt: new Date('2026-03-04T02:00:00Z'),
    });
    await expect(storeChainSubmission(db, asChain(await submission('chain bad file', undefined, first), randomUUID()))).rejects.toMatchObject({ kind: 'invalid' });
    const fileId = await upload();
    const holder = await db.transaction();
    try {
      await holder('documents').where({ id: fileId }).forUpdate().first('id');
      const held = storeChainSubmission(db, asChain(await submission('chain', fileId, first), fileId));
      await new Promise((r) => setTimeout(r, 300));
      const next = await Promise.race([storeSubmission(db, { ...(await submission('after chain', undefined, first)), submittedAt: new Date('2026-03-04T03:00:00Z') }), new Promise<'held'>((r) => setTimeout(() => r('held'), 5_000))]);
      expect(next).not.toBe('held');
      await holder.commit();
      const c = await held;
      const n = next as { dossierId: number };
      const seq = async (id: number) => parseDossierCode(await codeOf(id))!.sequence;
      // The refused request took none: the chain's is the day's first, the next one after it.
      expect(await seq(c.dossierId)).toBe(1);
      expect(await seq(n.dossierId)).toBe(2);
    } finally {
      if (!holder.isCompleted()) await holder.rollback();
    }
  });

  it('a chain retried with its key is answered from what it stored, before its stages are checked again; another request with the key is refused and takes no code', async () => {
    const chain = CHAINS[0]!;
    const at = { eid: chain.stages[0]!.agencyEid, procedure: chain.stages[0]!.procedureCode };
    const fileId = await upload();
    const sub = await submission('chain retried', fileId, at);
    const asChain = (over: { request?: unknown; chain?: typeof chain } = {}) => ({
      caller: sub.caller, key: sub.key, request: over.request ?? sub.request, chain: over.chain ?? chain, deliveryMethod: 'online' as const, applicant: sub.applicant, postalAddress: null,
      documents: [{ name: 'Tờ khai', stage: 1, fileId }], submittedAt: new Date('2026-03-05T02:00:00Z'),
    });
    const stored = await storeChainSubmission(db, asChain());
    expect(stored.created).toBe(true);
    expect(Number((await db('documents').where({ id: fileId }).first('dossier_id')).dossier_id)).toBe(stored.dossierId);
    // A stage the catalogue no longer has would refuse a new chain; the retry is not a new one.
    const withdrawn = { ...chain, stages: [{ ...chain.stages[0]!, procedureCode: 'KHONG-CON' }, ...chain.stages.slice(1)] };
    expect(await storeChainSubmission(db, asChain({ chain: withdrawn }))).toEqual({ created: false, chainId: stored.chainId, dossierId: stored.dossierId });
    await expect(storeChainSubmission(db, asChain({ request: { tag: 'another' } }))).rejects.toMatchObject({ kind: 'invalid', extra: { reason: 'IdempotencyKeyReused' } });
    const next = await storeSubmission(db, { ...(await submission('after the retries', undefined, at)), submittedAt: new Date('2026-03-05T03:00:00Z') });
    expect(parseDossierCode(await codeOf(next.dossierId))!.sequence).toBe(parseDossierCode(await codeOf(stored.dossierId))!.sequence + 1);
  });

  it('a request naming a file that is not the citizen\'s, or a key used before, takes no code', async () => {
    const original = await submission('before');
    const before = await storeSubmission(db, original);
    await expect(storeSubmission(db, await submission('bad file', randomUUID()))).rejects.toMatchObject({ kind: 'invalid', extra: { errors: [expect.objectContaining({ field: 'documents[0].fileId' })] } });
    const used = await db('documents').insert({ id: randomUUID(), owner_id_number: '079300000888', filename: 'x.pdf', media_type: 'application/pdf', size_bytes: 1, sha256: 'y'.repeat(64), storage_key: `test/${randomUUID()}` }).returning('id');
    await expect(storeSubmission(db, await submission('someone else\'s', used[0].id))).rejects.toMatchObject({ kind: 'invalid', extra: { errors: [expect.objectContaining({ field: 'documents[0].fileId' })] } });
    expect(await storeSubmission(db, original)).toEqual({ created: false, dossierId: before.dossierId });
    const after = await storeSubmission(db, await submission('after'));
    expect(parseDossierCode(await codeOf(after.dossierId))!.sequence).toBe(parseDossierCode(await codeOf(before.dossierId))!.sequence + 1);
  });
});

describe('result numbers on PostgreSQL (số văn bản kết quả, one statement)', () => {
  const db = createDb(inject('databaseUrl'), { max: 20 });
  afterAll(() => db.destroy());
  const eid = '000.00.31.H29';

  async function newDossier(tag: string): Promise<number> {
    const agency = await db('agencies').where('eid', eid).first('id');
    const procedure = await db('procedures').where('code', 'TP-SAOSOGOC').first('id');
    const code = `${eid}-310101-${tag}${randomUUID().slice(0, 6)}`;
    const [{ id }] = await db('dossiers')
      .insert({ code, workflow_id: `dossier-${code}`, procedure_id: procedure.id, agency_id: agency.id, channel: 'online', delivery_method: 'online', status: 'IN_REVIEW', applicant_full_name: 'Trần Thị Kết Quả', applicant_id_number: '079300000001', documents: '[]', submitted_at: new Date() })
      .returning('id');
    return Number(id);
  }
  const issue = (dossierId: number, year: number, over: Partial<Parameters<typeof issueResultNumberOnce>[1]> = {}) =>
    issueResultNumberOnce(db, { dossierId, agencyEid: eid, procedureCode: 'TP-SAOSOGOC', year, prefix: 'KQ', kind: 'result', title: null, fallbackTitle: 'Kết quả giải quyết thủ tục hành chính', signerId: null, issuedAt: `${year}-03-02T03:00:00Z`, ...over });

  it('numbers concurrent decisions of an agency consecutively, once per dossier whatever the retries, with the procedure’s result name', async () => {
    const ids = await Promise.all(Array.from({ length: 12 }, (_, i) => newDossier(`r${i}`)));
    const numbers = (await Promise.all(ids.map((id) => issue(id, 2031)))).map((r) => r!.number);
    const seqs = numbers.map((n) => Number(n.split('/')[0])).sort((a, b) => a - b);
    expect(new Set(seqs).size).toBe(12);
    expect(seqs[11]! - seqs[0]!).toBe(11);
    expect(numbers[0]).toMatch(/^\d{4}\/2031\/KQ-000\.00\.31\.H29$/);
    // A retry (the local activity again after a crash) finds the number already issued and takes none.
    expect((await issue(ids[0]!, 2031))!.number).toBe(numbers[0]);
    const next = await issue(await newDossier('rn'), 2031);
    expect(Number(next!.number.split('/')[0])).toBe(seqs[11]! + 1);
    const stored = await db('dossier_results as r').join('procedures as p', 'p.code', db.raw('?', ['TP-SAOSOGOC'])).where('r.dossier_id', ids[0]!).first('r.title', 'r.kind', 'p.result_name');
    expect(stored.kind).toBe('result');
    expect(stored.title).toBe(stored.result_name ?? 'Kết quả giải quyết thủ tục hành chính');
  });

  it('a notice keeps its own title and prefix; numbers past 9999 keep every digit; an unknown agency issues nothing', async () => {
    const agency = await db('agencies').where('eid', eid).first('id');
    await db('result_number_sequences').insert({ agency_id: agency.id, year: 2032, last_value: 9999 }).onConflict(['agency_id', 'year']).merge({ last_value: 9999 });
    const id = await newDossier('tb');
    const r = await issue(id, 2032, { prefix: 'TB', kind: 'denial_notice', title: 'Thông báo hồ sơ không đủ điều kiện giải quyết' });
    expect(r!.number).toBe('10000/2032/TB-000.00.31.H29');
    expect(await db('dossier_results').where('dossier_id', id).first('title', 'kind')).toEqual({ title: 'Thông báo hồ sơ không đủ điều kiện giải quyết', kind: 'denial_notice' });
    expect(await issue(await newDossier('ua'), 2032, { agencyEid: '999.99.99.H99' })).toBeUndefined();
    expect(Number((await db('result_number_sequences').where({ agency_id: agency.id, year: 2032 }).first('last_value')).last_value)).toBe(10000);
  });
});
