import { afterAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { createDb } from '../../db/connection';
import { allocateDossierCode } from '../../db/repositories/sequences';
import { formatDossierCode, parseDossierCode, dossierWorkflowId } from '../../domain/dossier-code';
import { maskPersonName } from '../../domain/masking';

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
