import { inTransaction, type Db, type Tx } from '../db/connection';
import { findAgencyByEid } from '../db/repositories/agencies';
import { insertDossier } from '../db/repositories/dossiers';
import { recordDossierEvent, type DossierEventRecord } from '../db/repositories/dossier-events';
import { claimIdempotencyKey, findIdempotencyKey, setIdempotencyKeyDossier } from '../db/repositories/idempotency';
import { findActiveProcedureByCode, findProcedureAgency } from '../db/repositories/procedures';
import { allocateDossierCode } from '../db/repositories/sequences';
import { claimDocuments, type ClaimRequest } from '../documents/claim';
import { canonicalHash } from '../domain/canonical-json';
import { dossierWorkflowId } from '../domain/dossier-code';
import type { DeliveryMethod } from '../domain/types';
import { submittedEvent } from '../domain/submitted-event';
import { vnLocalDate } from '../domain/vn-time';
import { feeDueFor, feeProjection, type FeeDue } from './fee-due';
import { idempotencyKeyReused } from '../platform/idempotency';

/**
 * Storing a new dossier (online by the citizen, or at the counter by a one-stop officer) with
 * its Idempotency-Key and its code, in one transaction; and the documents a citizen's
 * supplement claims. Starting the workflow is the caller's, after the commit.
 */

const SUBMISSION_SCOPE = 'dossier-submission';

/** The active procedure and the agency a submission names (undefined where there is none). */
export async function submissionTargets(db: Db, procedureCode: string, agencyEid: string) {
  const procedure = await findActiveProcedureByCode(db, procedureCode, ['id', 'code', 'online_level']);
  const agency = await findAgencyByEid(db, agencyEid, ['id', 'eid']);
  return { procedure, agency };
}

/** Whether the agency handles the procedure. */
export async function agencyOffersProcedure(db: Db, procedureId: number, agencyId: number): Promise<boolean> {
  return !!(await findProcedureAgency(db, procedureId, agencyId));
}

export interface Submission {
  /** Who submits: `citizen:<ID number>` online, `officer:<user id>` at the counter. Keys are per caller. */
  caller: string;
  /** The caller's Idempotency-Key. */
  key: string;
  /** The whole request body: a retry with the same key must send the same one. */
  request: unknown;
  channel: 'online' | 'counter';
  procedureId: number;
  agency: { id: number; eid: string };
  deliveryMethod: DeliveryMethod;
  applicant: { fullName: string; idNumber: string; phone?: string; email?: string; address?: string };
  postalAddress: Record<string, unknown> | null;
  documents: Array<{ name: string; fileId?: string; checklistItem?: number }>;
  submittedAt: Date;
}

/**
 * Stores the dossier once per Idempotency-Key: a retry with the same key and request finds
 * the dossier stored by the first (`created: false`); the same key with another request is
 * refused. The uploaded files named by fileId are claimed in the dossier's transaction (at the
 * counter, the agency's own scans too).
 *
 * The code is taken before that transaction, in a statement of its own: the agency's day
 * counter is one row, locked from its raise to the commit, and inside the dossier's transaction
 * every submission of the agency that day queued behind the one before it through its whole
 * commit (the dossier, its first event, the live queues' notification: 49 ms of lock wait per
 * submission in bench (b), BENCHMARKS.md analysis (b)). A code is still never issued twice (the
 * counter, and the unique column); one taken by a submission that then fails (a database error,
 * two requests with one key racing) stays unused, a gap in the day's numbers, as a database
 * sequence would leave (docs/domain.md §4). What refuses a request is asked before the code is
 * taken: the key already used, the files named.
 */
export async function storeSubmission(db: Db, s: Submission): Promise<{ created: boolean; dossierId: number }> {
  const files = { ...documentClaim(s.documents), ownerIdNumber: s.applicant.idNumber, agencyId: s.agency.id, acceptAgencyUploads: s.channel === 'counter' };
  return storeOncePerKey(db, {
    // Keys are per caller: one person's key can neither clash with nor reveal another's.
    scope: `${SUBMISSION_SCOPE}:${s.caller}`,
    key: s.key,
    request: s.request,
    submittedAt: s.submittedAt,
    first: async () => ({ files, agency: s.agency }),
    found: async (_db, dossierId) => ({ dossierId }),
    store: async (trx, code, own) => {
      const fee = (await feeDueFor(trx, s.procedureId, s.channel))!;
      const id = await insertDossier(trx, {
        code,
        workflow_id: dossierWorkflowId(code),
        procedure_id: s.procedureId,
        agency_id: s.agency.id,
        channel: s.channel,
        delivery_method: s.deliveryMethod,
        status: 'SUBMITTED',
        ...applicantColumns(s),
        documents: JSON.stringify(s.documents),
        submitted_at: s.submittedAt,
      }, { changeNotedLater: true });
      // Uploaded files named by fileId become the dossier's (the applicant's own, or the agency's counter scans), and the key names it.
      await own(id);
      // Nộp hồ sơ: the dossier's first event, its fee fixed by the procedure and channel, with the
      // dossier itself; its workflow begins from it (DossierWorkflowInput.submitted).
      await recordDossierEvent(trx, submissionEvent(id, code, s, fee));
      return { dossierId: id };
    },
  });
}

/** The first dossier of a keyed submission, as its `first` gives it. */
export interface FirstDossier {
  files: Omit<ClaimRequest, 'dossierId' | 'checkOnly'>;
  agency: { id: number; eid: string };
}

/** What a submission with an Idempotency-Key (a dossier, or a chain and its first stage's dossier) is stored from. */
export interface KeyedSubmission<T extends { dossierId: number }, F extends FirstDossier> {
  /** The key's scope, the caller's own. */
  scope: string;
  key: string;
  /** The whole request body: a retry with the same key must send the same one. */
  request: unknown;
  submittedAt: Date;
  /**
   * Asked once the key is known to be new (a retry is answered without it): the first dossier's
   * files, checked before its code is taken and claimed in its transaction, and the agency whose
   * day counter gives that code.
   */
  first(db: Tx): Promise<F>;
  /** The answer for a key the same request already used, from the dossier it stored. */
  found(db: Tx, dossierId: number): Promise<T>;
  /** The submission's rows with its code, in its transaction; `own(dossierId)` claims the files for that dossier and ties the key to it. */
  store(trx: Tx, code: string, own: (dossierId: number) => Promise<void>, first: F): Promise<T>;
}

/**
 * Once per Idempotency-Key: a key already used answers from what it stored (`created: false`),
 * or is refused for another request; what refuses a request (the key, the files) is asked
 * before the code is taken (storeSubmission says why the code is taken outside the transaction);
 * two requests racing with one key find each other in the transaction, the loser answering from
 * the winner's dossier.
 */
export async function storeOncePerKey<T extends { dossierId: number }, F extends FirstDossier>(db: Db, s: KeyedSubmission<T, F>): Promise<T & { created: boolean }> {
  const { scope, key } = s;
  const requestHash = canonicalHash(s.request);
  const replay = async (trx: Tx, prior: { request_hash: string; dossier_id: number | string | null }) => {
    if (prior.request_hash !== requestHash) throw idempotencyKeyReused();
    return { ...(await s.found(trx, Number(prior.dossier_id))), created: false };
  };
  const known = await findIdempotencyKey(db, scope, key, ['request_hash', 'dossier_id']);
  if (known) return replay(db, known);
  const first = await s.first(db);
  const { files } = first;
  await claimDocuments(db, { ...files, dossierId: null, checkOnly: true });
  const code = await allocateDossierCode(db, first.agency, vnLocalDate(s.submittedAt));
  return inTransaction(db, async (trx) => {
    const claimed = await claimIdempotencyKey(trx, { scope, key, request_hash: requestHash });
    if (!claimed) return replay(trx, (await findIdempotencyKey(trx, scope, key, ['request_hash', 'dossier_id']))!);
    const own = async (dossierId: number) => {
      await claimDocuments(trx, { ...files, dossierId });
      await setIdempotencyKeyDossier(trx, scope, key, dossierId);
    };
    return { ...(await s.store(trx, code, own, first)), created: true };
  });
}

/** A request's documents as the file claim takes them: each one's file, name and checklist item, in order. */
export function documentClaim(documents: ReadonlyArray<{ name?: string; fileId?: string; checklistItem?: number }>): Pick<ClaimRequest, 'fileIds' | 'names' | 'checklistItems'> {
  return { fileIds: documents.map((doc) => doc.fileId), names: documents.map((doc) => doc.name), checklistItems: documents.map((doc) => doc.checklistItem) };
}

/** The applicant's columns of a dossier's row. */
export function applicantColumns(s: { applicant: Submission['applicant']; postalAddress: Record<string, unknown> | null }) {
  const { fullName, idNumber, phone, email, address } = s.applicant;
  return {
    applicant_full_name: fullName,
    applicant_id_number: idNumber,
    applicant_phone: phone ?? null,
    applicant_email: email ?? null,
    applicant_address: address ?? null,
    postal_address: s.postalAddress ? JSON.stringify(s.postalAddress) : null,
  };
}

/** The submission as the dossier's first event, its fee fixed (the workflow's Dossier.recordSubmission builds the same for dossiers stored without it). */
function submissionEvent(dossierId: number, code: string, s: Submission, fee: FeeDue): DossierEventRecord {
  return submittedEvent({
    dossierId,
    seq: 1,
    channel: s.channel,
    deliveryMethod: s.deliveryMethod,
    workflowId: dossierWorkflowId(code),
    submittedAt: s.submittedAt.toISOString(),
    projection: feeProjection(fee),
  });
}

/**
 * The files of a citizen's supplement become the dossier's (before the workflow hears of them),
 * under the names the supplement gives them; a retry claims nothing twice.
 */
export async function claimSupplementDocuments(db: Db, claim: { documents: ReadonlyArray<{ name?: string; fileId?: string; checklistItem?: number }>; ownerIdNumber: string; dossierId: number; agencyId: number }): Promise<void> {
  const { documents, ownerIdNumber, dossierId, agencyId } = claim;
  await inTransaction(db, (trx) => claimDocuments(trx, { ...documentClaim(documents), ownerIdNumber, dossierId, agencyId }).then(() => undefined));
}
