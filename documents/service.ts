import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import type { Tx } from '../db/connection';
import { findAgencyByEid } from '../db/repositories/agencies';
import { documentsOfDossier, findDocument, insertDocument, uploadsOfCitizen, type DocumentRecord } from '../db/repositories/documents';
import { findDossierByCode } from '../db/repositories/dossiers';
import { DomainError } from '../domain/errors';
import { rolesIn, type OfficerPrincipal, type Principal } from '../domain/principal';
import { vnTime } from '../domain/vn-time';
import { mayRead, nameInDossier } from './access';
import { BlobNotFoundError, type BlobStore } from './blob-store';
import { documentNotFound } from './problems';
import { receiveUpload, type ReceivedUpload, type UploadLimits } from './receive';
import { parseOr422, uploadFields, type DocumentView } from './schemas';

/**
 * Documents (giấy tờ, tài liệu đính kèm): uploads by citizens and officers, downloads and
 * lists. Bytes go to the blob store, rows to `documents`; workflows only ever see IDs.
 */

/** A document as every answer shows it, with the name it was given (kept on its row; a file claimed earlier may carry it in its submission's list only). */
export function documentView(doc: DocumentRecord): DocumentView {
  return {
    id: doc.id,
    filename: doc.filename,
    name: doc.name ?? nameInDossier(doc),
    mediaType: doc.mediaType as DocumentView['mediaType'],
    sizeBytes: doc.sizeBytes,
    sha256: doc.sha256,
    createdAt: vnTime(doc.createdAt)!,
  };
}

export const documentListItem = (doc: DocumentRecord) => ({
  ...documentView(doc),
  uploadedBy: doc.ownerIdNumber !== null ? ('citizen' as const) : ('officer' as const),
  links: { download: `/api/v1/documents/${doc.id}` },
});

/** Whose an upload is: a citizen's own, or an officer's for their agency (and maybe a dossier). */
export interface UploadOwner {
  owner_id_number?: string;
  uploaded_by?: number;
  agency_id?: number;
  dossier_id?: number;
}

/** An upload in the blob store, its fields valid, its row not written yet. */
export interface ReceivedDocument {
  upload: ReceivedUpload;
  /** The `name` field (what the paper is), if sent. */
  name: string | null;
}

/** Receives the file into the blob store and validates its fields; nothing is left behind if they are wrong. */
export async function receiveDocument(store: BlobStore, limits: UploadLimits, req: IncomingMessage): Promise<ReceivedDocument> {
  const upload = await receiveUpload(req, store, limits);
  try {
    return { upload, name: parseOr422(uploadFields, upload.fields).name ?? null };
  } catch (err) {
    await discardDocument(store, { upload });
    throw err;
  }
}

/** What identifies an upload for its Idempotency-Key: the SHA-256 of its bytes, its file name and its `name` field. */
export function uploadFingerprint(received: ReceivedDocument): { sha256: string; filename: string; name: string | null } {
  return { sha256: received.upload.sha256, filename: received.upload.filename, name: received.name };
}

/** Removes a received upload that will not be recorded (refused, or answered already under its key). */
export async function discardDocument(store: BlobStore, received: Pick<ReceivedDocument, 'upload'>): Promise<void> {
  await store.delete(received.upload.storageKey).catch(() => undefined);
}

/** Writes the row of a received upload; the blob is removed if that fails. */
export async function recordDocument(db: Tx, store: BlobStore, received: ReceivedDocument, owner: UploadOwner): Promise<DocumentView> {
  const { upload, name } = received;
  try {
    const id = randomUUID();
    await insertDocument(db, {
      id,
      dossier_id: owner.dossier_id ?? null,
      owner_id_number: owner.owner_id_number ?? null,
      uploaded_by: owner.uploaded_by ?? null,
      agency_id: owner.agency_id ?? null,
      filename: upload.filename,
      media_type: upload.mediaType,
      size_bytes: upload.sizeBytes,
      sha256: upload.sha256,
      storage_key: upload.storageKey,
      name,
    });
    return documentView((await findDocument(db, id))!);
  } catch (err) {
    await discardDocument(store, received);
    throw err;
  }
}

/** The agency a counter scan is uploaded for, when the officer holds a role there; forbidden otherwise. */
export async function uploadingAgencyId(db: Tx, officer: OfficerPrincipal, eid: string): Promise<number> {
  const agency = await findAgencyByEid(db, eid, ['id']);
  if (!agency || !rolesIn(officer, eid).length) throw new DomainError('forbidden', 'Forbidden', `Tài khoản ${officer.username} không có vai trò nào tại cơ quan ${eid}.`, { reason: 'NoRoleInAgency' });
  return agency.id;
}

/** The dossier documents are filed on or listed for (null when the code is not a dossier code). */
export async function dossierForDocuments(db: Tx, code: string | null) {
  return code === null ? undefined : findDossierByCode(db, code, ['id', 'code', 'agency_id', 'applicant_id_number']);
}

/**
 * A document and its bytes, for someone allowed to read it. Unknown, not yours and not your
 * agency's all read as the same "not found", so IDs cannot be probed; a row whose blob is
 * gone does too (and is reported to the operator).
 */
export async function openDocument(db: Tx, store: BlobStore, principal: Principal, id: string | null): Promise<{ doc: DocumentRecord; body: Readable }> {
  const doc = id !== null ? await findDocument(db, id) : null;
  if (!doc || !mayRead(principal, doc)) throw documentNotFound();
  try {
    return { doc, body: await store.get(doc.storageKey) };
  } catch (err) {
    if (!(err instanceof BlobNotFoundError)) throw err;
    process.stderr.write(`api: document ${doc.id} has no blob ${doc.storageKey} in the ${store.kind} store\n`);
    throw documentNotFound();
  }
}

export async function dossierDocumentList(db: Tx, dossierId: number) {
  return (await documentsOfDossier(db, dossierId)).map(documentListItem);
}

/** The citizen's own uploads, newest first, to pick from when filing or supplementing. */
export async function citizenUploadList(db: Tx, idNumber: string, limit: number) {
  const docs = await uploadsOfCitizen(db, idNumber, limit);
  return docs.map((doc) => ({ ...documentListItem(doc), dossierCode: doc.dossierCode }));
}
