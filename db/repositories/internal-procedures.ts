import type { Tx } from '../connection';
import type { TimeLimit } from '../../domain/calendar';
import { DomainError } from '../../domain/errors';
import {
  defaultSteps,
  validateInternalProcedure,
  type ConsultationRule,
  type InternalProcedureDocument,
  type InternalProcedureVersion,
  type PinnedProcedure,
  type ProcedureStep,
  type VersionProblem,
} from '../../domain/internal-procedure';

/**
 * Internal procedure versions (quy trình nội bộ, issue 17): every statement on
 * `internal_procedure_versions` and the pin on `dossiers.procedure_version`, with the rules
 * of their life: a draft is edited, a published version never changes (the table's trigger
 * refuses it too) and is in force from its `effective_from`; a dossier pins the version in
 * force at its receipt once, and a retry returns what was pinned. A procedure without any
 * version row runs the default path derived from its step budgets, as version 0.
 */

/** A `internal_procedure_versions` row as knex returns it. */
export interface InternalProcedureVersionRow {
  id: number;
  procedure_id: number;
  version: number;
  status: 'draft' | 'published';
  title: string;
  basis: string;
  document: { steps: ProcedureStep[]; consultations?: ConsultationRule[] };
  is_default: boolean;
  effective_from: Date | null;
  created_by: number | null;
  created_at: Date;
  updated_at: Date;
  published_by: number | null;
  published_at: Date | null;
}

/** A version as administrators read it: the document, its state, and who wrote and published it. */
export interface StoredInternalProcedureVersion extends InternalProcedureVersion {
  consultations: ConsultationRule[];
  createdBy: string | null;
  createdAt: Date | null;
  publishedBy: string | null;
  publishedAt: Date | null;
}

interface ProcedureFacts {
  id: number;
  code: string;
  time_limit: TimeLimit;
  step_budgets: Record<string, number> | null;
}

/** The version number of the default path derived from step budgets when no version row exists. */
export const DERIVED_DEFAULT_VERSION = 0;

const DEFAULT_TITLE = 'Quy trình mặc định: tiếp nhận, phân công, thẩm định, phê duyệt, trả kết quả';
const DEFAULT_BASIS = 'Thời gian từng bước theo cấu hình thủ tục (step budgets) của cơ quan';

export function procedureNotFound(code: string): DomainError {
  return new DomainError('not_found', 'Procedure not found', `Không có thủ tục mã "${code}" trong danh mục.`, { reason: 'ProcedureNotFound' });
}

function versionNotFound(code: string, version: number): DomainError {
  return new DomainError('not_found', 'Not found', `Thủ tục ${code} không có quy trình nội bộ phiên bản ${version}.`, { reason: 'InternalProcedureVersionNotFound' });
}

function publishedConflict(code: string, version: number): DomainError {
  return new DomainError(
    'conflict',
    'Conflict',
    `Quy trình nội bộ phiên bản ${version} của thủ tục ${code} đã ban hành, không sửa được; hãy tạo phiên bản mới.`,
    { reason: 'InternalProcedurePublished' },
  );
}

async function procedureFacts(db: Tx, code: string): Promise<ProcedureFacts> {
  const row = await db('procedures').where({ code }).first('id', 'code', 'time_limit', 'step_budgets');
  if (!row) throw procedureNotFound(code);
  return row;
}

/** The e-IDs of every agency, for `UnknownAgency` in drafts. */
async function knownAgencies(db: Tx): Promise<Set<string>> {
  return new Set((await db('agencies').select('eid')).map((r: { eid: string }) => r.eid));
}

function documentOf(doc: InternalProcedureDocument): string {
  return JSON.stringify({ steps: doc.steps, consultations: doc.consultations ?? [] });
}

function toVersion(code: string, row: InternalProcedureVersionRow, names: Map<number, string>): StoredInternalProcedureVersion {
  return {
    procedureCode: code,
    version: row.version,
    status: row.status,
    title: row.title,
    basis: row.basis,
    steps: row.document.steps,
    consultations: row.document.consultations ?? [],
    effectiveFrom: row.effective_from ? row.effective_from.toISOString() : null,
    isDefault: row.is_default,
    createdBy: row.created_by === null ? null : (names.get(row.created_by) ?? null),
    createdAt: row.created_at,
    publishedBy: row.published_by === null ? null : (names.get(row.published_by) ?? null),
    publishedAt: row.published_at,
  };
}

async function usernames(db: Tx, rows: readonly InternalProcedureVersionRow[]): Promise<Map<number, string>> {
  const ids = [...new Set(rows.flatMap((r) => [r.created_by, r.published_by]).filter((x): x is number => x !== null))];
  if (!ids.length) return new Map();
  return new Map((await db('users').whereIn('id', ids).select('id', 'username')).map((u: { id: number; username: string }) => [u.id, u.username]));
}

/** The default path of a procedure that has no version row: derived from its step budgets now. */
function derivedDefault(p: ProcedureFacts): StoredInternalProcedureVersion {
  return {
    procedureCode: p.code,
    version: DERIVED_DEFAULT_VERSION,
    status: 'published',
    title: DEFAULT_TITLE,
    basis: DEFAULT_BASIS,
    steps: defaultSteps(p.step_budgets),
    consultations: [],
    effectiveFrom: null,
    isDefault: true,
    createdBy: null,
    createdAt: null,
    publishedBy: null,
    publishedAt: null,
  };
}

/** The default version's document for a procedure (what the seed publishes as version 1). */
export function defaultDocument(stepBudgets: Record<string, number> | null): InternalProcedureDocument {
  return { title: DEFAULT_TITLE, basis: DEFAULT_BASIS, steps: defaultSteps(stepBudgets), consultations: [] };
}

// ---------------------------------------------------------------- reading

/** Every version of a procedure, newest first. */
export async function listInternalProcedureVersions(db: Tx, code: string): Promise<StoredInternalProcedureVersion[]> {
  const p = await procedureFacts(db, code);
  const rows: InternalProcedureVersionRow[] = await db('internal_procedure_versions').where('procedure_id', p.id).orderBy('version', 'desc');
  const names = await usernames(db, rows);
  return rows.map((r) => toVersion(code, r, names));
}

/** One version of a procedure (404 when it has none of that number). */
export async function getInternalProcedureVersion(db: Tx, code: string, version: number): Promise<StoredInternalProcedureVersion> {
  const p = await procedureFacts(db, code);
  const row: InternalProcedureVersionRow | undefined = await db('internal_procedure_versions').where({ procedure_id: p.id, version }).first();
  if (!row) throw versionNotFound(code, version);
  return toVersion(code, row, await usernames(db, [row]));
}

/** The problems of a document against the procedure's legal limit and the known agencies (empty: publishable). */
export async function internalProcedureProblems(db: Tx, code: string, doc: InternalProcedureDocument): Promise<VersionProblem[]> {
  const p = await procedureFacts(db, code);
  return validateInternalProcedure(doc, p.time_limit, await knownAgencies(db));
}

/**
 * The version in force at `at`: the published version that came into force last at or before
 * it (the higher number when two start together); the default derived from step budgets
 * (version 0) when the procedure has no published version in force then.
 */
export async function internalProcedureInForce(db: Tx, code: string, at: Date): Promise<StoredInternalProcedureVersion> {
  const p = await procedureFacts(db, code);
  const row: InternalProcedureVersionRow | undefined = await db('internal_procedure_versions')
    .where({ procedure_id: p.id, status: 'published' })
    .andWhere('effective_from', '<=', at)
    .orderBy([
      { column: 'effective_from', order: 'desc' },
      { column: 'version', order: 'desc' },
    ])
    .first();
  if (!row) return derivedDefault(p);
  return toVersion(code, row, await usernames(db, [row]));
}

// ---------------------------------------------------------------- writing (administrators)

/** Serialises writers of one procedure's versions until the transaction ends. */
async function lockProcedure(db: Tx, procedureId: number): Promise<void> {
  await db.raw('select pg_advisory_xact_lock(hashtext(?))', [`internal_procedure:${procedureId}`]);
}

/** A new draft, numbered after the highest version of the procedure. Invalid drafts are kept (their problems are answered). */
export async function createInternalProcedureDraft(db: Tx, code: string, doc: InternalProcedureDocument, userId: number | null): Promise<StoredInternalProcedureVersion> {
  return inTx(db, async (trx) => {
    const p = await procedureFacts(trx, code);
    await lockProcedure(trx, p.id);
    const top = await trx('internal_procedure_versions').where('procedure_id', p.id).max<{ max: number | null }[]>('version as max');
    const version = (top[0]?.max ?? 0) + 1;
    const [row] = await trx('internal_procedure_versions')
      .insert({ procedure_id: p.id, version, status: 'draft', title: doc.title, basis: doc.basis, document: documentOf(doc), is_default: false, created_by: userId })
      .returning('*');
    return toVersion(code, row, await usernames(trx, [row]));
  });
}

/** Replaces a draft's document; a published version is refused (409 InternalProcedurePublished). */
export async function updateInternalProcedureDraft(db: Tx, code: string, version: number, doc: InternalProcedureDocument): Promise<StoredInternalProcedureVersion> {
  return inTx(db, async (trx) => {
    const p = await procedureFacts(trx, code);
    await lockProcedure(trx, p.id);
    const current: InternalProcedureVersionRow | undefined = await trx('internal_procedure_versions').where({ procedure_id: p.id, version }).forUpdate().first();
    if (!current) throw versionNotFound(code, version);
    if (current.status === 'published') throw publishedConflict(code, version);
    const [row] = await trx('internal_procedure_versions')
      .where({ id: current.id, status: 'draft' })
      .update({ title: doc.title, basis: doc.basis, document: documentOf(doc), updated_at: trx.fn.now() })
      .returning('*');
    return toVersion(code, row, await usernames(trx, [row]));
  });
}

/** Problems of a stored version (draft or published) as it stands. */
export async function storedVersionProblems(db: Tx, code: string, version: number): Promise<VersionProblem[]> {
  const v = await getInternalProcedureVersion(db, code, version);
  return internalProcedureProblems(db, code, v);
}

/** What makes a version impossible to publish: its problems, in one 422 (reason InternalProcedureInvalid). */
export function invalidVersion(code: string, version: number, problems: readonly VersionProblem[]): DomainError {
  return new DomainError(
    'invalid',
    'Invalid internal procedure',
    `Quy trình nội bộ phiên bản ${version} của thủ tục ${code} chưa ban hành được: ${problems.length} lỗi cần sửa.`,
    { reason: 'InternalProcedureInvalid', errors: problems.map((x) => ({ field: x.field, reason: x.reason, message: x.message })) },
  );
}

/**
 * Publishes a draft: valid, in force from `effectiveFrom` (default now; never in the past, a
 * minute's slack for the caller's clock), immutable from then on. A published version is
 * refused (409), an invalid one too (422 with every problem).
 */
export async function publishInternalProcedureVersion(
  db: Tx,
  code: string,
  version: number,
  opts: { effectiveFrom?: Date; userId: number | null; now?: Date },
): Promise<StoredInternalProcedureVersion> {
  const now = opts.now ?? new Date();
  if (opts.effectiveFrom && opts.effectiveFrom.getTime() < now.getTime() - 60_000) {
    throw new DomainError('invalid', 'Invalid request', 'Thời điểm có hiệu lực không được ở quá khứ.', {
      reason: 'EffectiveFromInPast',
      errors: [{ field: 'effectiveFrom', reason: 'EffectiveFromInPast', message: 'Thời điểm có hiệu lực phải từ bây giờ trở đi: hồ sơ đã tiếp nhận giữ phiên bản đã gắn.' }],
    });
  }
  const effectiveFrom = opts.effectiveFrom && opts.effectiveFrom > now ? opts.effectiveFrom : now;
  return inTx(db, async (trx) => {
    const p = await procedureFacts(trx, code);
    await lockProcedure(trx, p.id);
    const current: InternalProcedureVersionRow | undefined = await trx('internal_procedure_versions').where({ procedure_id: p.id, version }).forUpdate().first();
    if (!current) throw versionNotFound(code, version);
    if (current.status === 'published') throw publishedConflict(code, version);
    const doc: InternalProcedureDocument = { title: current.title, basis: current.basis, steps: current.document.steps, consultations: current.document.consultations ?? [] };
    const problems = validateInternalProcedure(doc, p.time_limit, await knownAgencies(trx));
    if (problems.length) throw invalidVersion(code, version, problems);
    const [row] = await trx('internal_procedure_versions')
      .where({ id: current.id, status: 'draft' })
      .update({ status: 'published', effective_from: effectiveFrom, published_by: opts.userId, published_at: now, updated_at: trx.fn.now() })
      .returning('*');
    return toVersion(code, row, await usernames(trx, [row]));
  });
}

// ---------------------------------------------------------------- dossiers

/**
 * Pins the version in force at `at` (the dossier's receipt) on the dossier row, once: a retry,
 * whenever it runs, returns the version pinned first, not the one in force at retry time.
 */
export async function pinInternalProcedure(db: Tx, input: { dossierId: number; procedureCode: string; at: Date }): Promise<PinnedProcedure> {
  const pinnedAt = async (version: number): Promise<PinnedProcedure> => {
    if (version === DERIVED_DEFAULT_VERSION) return asPinned(derivedDefault(await procedureFacts(db, input.procedureCode)));
    return asPinned(await getInternalProcedureVersion(db, input.procedureCode, version));
  };
  // Two statements on the way of every acceptance (issue 18): the version in force, then the pin
  // where there is none yet; a dossier pinned already (a retry) keeps its version.
  const inForce = await pinnableVersionInForce(db, input.procedureCode, input.at);
  const updated = await db('dossiers').where('id', input.dossierId).whereNull('procedure_version').update({ procedure_version: inForce.version });
  if (updated === 1) return inForce;
  const already = await db('dossiers').where('id', input.dossierId).first('procedure_version');
  if (!already) throw new DomainError('not_found', 'Not found', `Không có hồ sơ số ${input.dossierId}.`, { reason: 'DossierNotFound' });
  return pinnedAt(already.procedure_version);
}

/** internalProcedureInForce as the pin needs it (no authors' names), the procedure and its version in one statement. */
async function pinnableVersionInForce(db: Tx, code: string, at: Date): Promise<PinnedProcedure> {
  const { rows } = await db.raw(
    `select p.id, p.code, p.time_limit, p.step_budgets, v.version, v.is_default, v.document
       from procedures p
       left join lateral (
         select version, is_default, document from internal_procedure_versions v
          where v.procedure_id = p.id and v.status = 'published' and v.effective_from <= ?
          order by v.effective_from desc, v.version desc limit 1
       ) v on true
      where p.code = ?
      limit 1`,
    [at, code],
  );
  const r = rows[0] as (ProcedureFacts & { version: number | null; is_default: boolean | null; document: InternalProcedureVersionRow['document'] | null }) | undefined;
  if (!r) throw procedureNotFound(code);
  if (r.version === null) return asPinned(derivedDefault(r));
  return { procedureCode: code, version: r.version, isDefault: r.is_default === true, steps: r.document!.steps, consultations: r.document!.consultations ?? [] };
}

/** The version a dossier pinned, or null when it pinned none (it began before versions were data). */
export async function pinnedInternalProcedure(db: Tx, dossierId: number): Promise<PinnedProcedure | null> {
  const row = await db('dossiers as d').join('procedures as p', 'p.id', 'd.procedure_id').where('d.id', dossierId).first('d.procedure_version', 'p.code');
  if (!row || row.procedure_version === null) return null;
  if (row.procedure_version === DERIVED_DEFAULT_VERSION) return asPinned(derivedDefault(await procedureFacts(db, row.code)));
  return asPinned(await getInternalProcedureVersion(db, row.code, row.procedure_version));
}

function asPinned(v: StoredInternalProcedureVersion): PinnedProcedure {
  return { procedureCode: v.procedureCode, version: v.version, isDefault: v.isDefault, steps: v.steps, consultations: v.consultations };
}

/** Runs `fn` in the caller's transaction, or in a new one. */
async function inTx<T>(db: Tx, fn: (trx: Tx) => Promise<T>): Promise<T> {
  if ((db as { isTransaction?: boolean }).isTransaction) return fn(db);
  return (db as import('knex').Knex).transaction((trx) => fn(trx));
}
