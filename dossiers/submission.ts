import { inTransaction, type Db } from '../db/connection';
import { findAgencyByEid } from '../db/repositories/agencies';
import { insertDossier } from '../db/repositories/dossiers';
import { recordDossierEvent, type DossierEventRecord } from '../db/repositories/dossier-events';
import { claimIdempotencyKey, findIdempotencyKey, setIdempotencyKeyDossier } from '../db/repositories/idempotency';
import { findActiveProcedureByCode, findProcedureAgency } from '../db/repositories/procedures';
import { allocateDossierCode } from '../db/repositories/sequences';
import { claimDocuments } from '../documents/claim';
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
  const requestHash = canonicalHash(s.request);
  // Keys are per caller: one person's key can neither clash with nor reveal another's.
  const scope = `${SUBMISSION_SCOPE}:${s.caller}`;
  const key = s.key;
  const { fullName, idNumber, phone, email, address } = s.applicant;
  const replay = async (prior: { request_hash: string; dossier_id: number | string | null }) => {
    if (prior.request_hash !== requestHash) throw idempotencyKeyReused();
    return { created: false, dossierId: Number(prior.dossier_id) };
  };
  const known = await findIdempotencyKey(db, scope, key, ['request_hash', 'dossier_id']);
  if (known) return replay(known);
  const claim = { fileIds: s.documents.map((doc) => doc.fileId), names: s.documents.map((doc) => doc.name), checklistItems: s.documents.map((doc) => doc.checklistItem), ownerIdNumber: idNumber, agencyId: s.agency.id, acceptAgencyUploads: s.channel === 'counter' };
  await claimDocuments(db, { ...claim, dossierId: null, checkOnly: true });
  const code = await allocateDossierCode(db, s.agency, vnLocalDate(s.submittedAt));
  return inTransaction(db, async (trx) => {
    const claimed = await claimIdempotencyKey(trx, { scope, key, request_hash: requestHash });
    if (!claimed) return replay((await findIdempotencyKey(trx, scope, key, ['request_hash', 'dossier_id']))!);
    const fee = (await feeDueFor(trx, s.procedureId, s.channel))!;
    const id = await insertDossier(trx, {
      code,
      workflow_id: dossierWorkflowId(code),
      procedure_id: s.procedureId,
      agency_id: s.agency.id,
      channel: s.channel,
      delivery_method: s.deliveryMethod,
      status: 'SUBMITTED',
      applicant_full_name: fullName,
      applicant_id_number: idNumber,
      applicant_phone: phone ?? null,
      applicant_email: email ?? null,
      applicant_address: address ?? null,
      postal_address: s.postalAddress ? JSON.stringify(s.postalAddress) : null,
      documents: JSON.stringify(s.documents),
      submitted_at: s.submittedAt,
    }, { changeNotedLater: true });
    // Uploaded files named by fileId become the dossier's: the applicant's own, or the agency's counter scans.
    await claimDocuments(trx, { ...claim, dossierId: id });
    await setIdempotencyKeyDossier(trx, scope, key, id);
    // Nộp hồ sơ: the dossier's first event, its fee fixed by the procedure and channel, with the
    // dossier itself; its workflow begins from it (DossierWorkflowInput.submitted).
    await recordDossierEvent(trx, submissionEvent(id, code, s, fee));
    return { created: true, dossierId: id };
  });
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
  await inTransaction(db, (trx) => claimDocuments(trx, { fileIds: documents.map((doc) => doc.fileId), names: documents.map((doc) => doc.name), checklistItems: documents.map((doc) => doc.checklistItem), ownerIdNumber, dossierId, agencyId }).then(() => undefined));
}
