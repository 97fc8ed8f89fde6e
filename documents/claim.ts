import type { Tx } from '../db/connection';
import { attachDocumentsToDossier, findDocumentsForClaim, lockDocumentsForClaim, type ClaimableDocumentRow } from '../db/repositories/documents';
import { invalidFields } from '../domain/errors';
import { isUuid } from '../domain/uuid';

export interface ClaimRequest {
  /**
   * The `fileId` of each listed document, in the order of the request's list, so that an
   * error names `documents[i].fileId`; entries without a file (a paper to bring to the
   * counter) are null or undefined.
   */
  fileIds: ReadonlyArray<string | null | undefined>;
  /**
   * The name the request gives each listed document (`documents[i].name`), in the same order
   * as `fileIds`: a claimed file keeps it, so every list shows it. Where absent (or null), the
   * file keeps the name it was uploaded with.
   */
  names?: ReadonlyArray<string | null | undefined>;
  /** The checklist item (position in the procedure's catalogue) each listed document supplies, in the same order. */
  checklistItems?: ReadonlyArray<number | null | undefined>;
  /** The citizen whose uploads these must be (online submission, supplement). */
  ownerIdNumber?: string;
  /** The dossier claiming them; null for a check before the dossier is stored (`checkOnly`). */
  dossierId: number | null;
  agencyId: number;
  /**
   * At the counter: scans an officer of `agencyId` uploaded before the dossier existed may be
   * claimed too (they carry the agency, not a citizen).
   */
  acceptAgencyUploads?: boolean;
  /** Field path of the list in the request, for the error messages (default "documents"). */
  path?: string;
  /**
   * Only the checks, without locking or attaching: a submission asks before it takes its code,
   * so that a request naming a wrong file is refused without using one up (the claim in the
   * dossier's transaction checks again under lock).
   */
  checkOnly?: boolean;
}

export interface ClaimedDocument {
  id: string;
  filename: string;
  mediaType: string;
  sizeBytes: number;
  sha256: string;
}

/**
 * Links uploaded documents to a dossier, inside the caller's transaction (the submission or
 * the supplement): every ID must exist, be the citizen's own upload (or, at the counter, an
 * upload of the agency) and not belong to another dossier already. Rows are locked first,
 * so two submissions cannot take the same file. Claiming a file the dossier already has is a
 * no-op (a retried request). Throws an invalid-fields error naming each bad `documents[i].fileId`;
 * unknown and someone else's files read alike, so IDs cannot be probed.
 */
export async function claimDocuments(trx: Tx, request: ClaimRequest): Promise<ClaimedDocument[]> {
  const path = request.path ?? 'documents';
  const errors: Array<{ field: string; message: string }> = [];
  const firstIndex = new Map<string, number>();
  request.fileIds.forEach((raw, i) => {
    if (raw === null || raw === undefined) return;
    const field = `${path}[${i}].fileId`;
    const id = String(raw).toLowerCase();
    if (!isUuid(id)) return errors.push({ field, message: 'mã tệp không đúng định dạng (UUID của tệp đã tải lên)' });
    const earlier = firstIndex.get(id);
    if (earlier !== undefined) return errors.push({ field, message: `tệp này đã được khai ở ${path}[${earlier}]` });
    firstIndex.set(id, i);
  });
  const ids = [...firstIndex.keys()];
  const rows: ClaimableDocumentRow[] = ids.length ? await (request.checkOnly ? findDocumentsForClaim : lockDocumentsForClaim)(trx, ids) : [];
  const byId = new Map(rows.map((r) => [r.id, r]));
  for (const [id, i] of firstIndex) {
    const field = `${path}[${i}].fileId`;
    const row = byId.get(id);
    const ownUpload = !!row && !!request.ownerIdNumber && row.owner_id_number === request.ownerIdNumber;
    const agencyUpload = !!row && !!request.acceptAgencyUploads && row.owner_id_number === null && row.agency_id === request.agencyId;
    if (!row || !(ownUpload || agencyUpload)) {
      errors.push({ field, message: 'không tìm thấy tệp đã tải lên với mã này (tệp phải do chính Ông/Bà tải lên)' });
    } else if (row.dossier_id !== null && Number(row.dossier_id) !== request.dossierId) {
      errors.push({ field, message: 'tệp này đã được đính kèm vào một hồ sơ khác; vui lòng tải lên lại' });
    }
  }
  if (errors.length) {
    errors.sort((a, b) => a.field.localeCompare(b.field, 'en', { numeric: true }));
    throw invalidFields(errors);
  }
  if (ids.length && !request.checkOnly) {
    if (request.dossierId === null) throw new Error('claimDocuments: only a check may be made without the dossier');
    const files = [...firstIndex].map(([id, i]) => ({ id, name: request.names?.[i] ?? null, checklistItem: request.checklistItems?.[i] ?? null }));
    await attachDocumentsToDossier(trx, files, request.dossierId, request.agencyId);
  }
  return ids.map((id) => {
    const r = byId.get(id)!;
    return { id: r.id, filename: r.filename, mediaType: r.media_type, sizeBytes: Number(r.size_bytes), sha256: r.sha256 };
  });
}
