import type { Tx } from '../connection';

/** A document with what decides who may read it. */
export interface DocumentRecord {
  id: string;
  dossierId: number | null;
  dossierCode: string | null;
  /** The citizen who uploaded it (null for an officer's upload). */
  ownerIdNumber: string | null;
  uploadedBy: number | null;
  /** The applicant of its dossier, if it belongs to one. */
  applicantIdNumber: string | null;
  /** The agency it belongs to: its dossier's, or for a counter scan not yet filed, the uploader's. */
  agencyEid: string | null;
  filename: string;
  /** The name the file was given ("Tờ khai CT01"): at upload, or by the submission or supplement that claimed it. */
  name: string | null;
  mediaType: string;
  sizeBytes: number;
  sha256: string;
  storageKey: string;
  createdAt: Date;
  /** The dossier's `documents` list, where a submission named the file (for files claimed before the claim kept the name on the row). */
  dossierDocuments: unknown;
}

function baseQuery(db: Tx) {
  return db('documents as doc')
    .leftJoin('dossiers as d', 'd.id', 'doc.dossier_id')
    .leftJoin('agencies as a', 'a.id', db.raw('coalesce(d.agency_id, doc.agency_id)'))
    .select(
      'doc.id',
      'doc.dossier_id',
      'd.code as dossier_code',
      'doc.owner_id_number',
      'doc.uploaded_by',
      'd.applicant_id_number',
      'a.eid as agency_eid',
      'doc.filename',
      'doc.name',
      'doc.media_type',
      'doc.size_bytes',
      'doc.sha256',
      'doc.storage_key',
      'doc.created_at',
      'd.documents as dossier_documents',
    );
}

function toRecord(r: Record<string, any>): DocumentRecord {
  return {
    id: r.id,
    dossierId: r.dossier_id === null ? null : Number(r.dossier_id),
    dossierCode: r.dossier_code ?? null,
    ownerIdNumber: r.owner_id_number,
    uploadedBy: r.uploaded_by,
    applicantIdNumber: r.applicant_id_number ?? null,
    agencyEid: r.agency_eid ?? null,
    filename: r.filename,
    name: r.name ?? null,
    mediaType: r.media_type,
    sizeBytes: Number(r.size_bytes),
    sha256: r.sha256,
    storageKey: r.storage_key,
    createdAt: r.created_at,
    dossierDocuments: r.dossier_documents ?? null,
  };
}

export async function findDocument(db: Tx, id: string): Promise<DocumentRecord | null> {
  const row = await baseQuery(db).where('doc.id', id).first();
  return row ? toRecord(row) : null;
}

export async function documentsOfDossier(db: Tx, dossierId: number): Promise<DocumentRecord[]> {
  return (await baseQuery(db).where('doc.dossier_id', dossierId).orderBy([{ column: 'doc.created_at' }, { column: 'doc.id' }])).map(toRecord);
}

export async function uploadsOfCitizen(db: Tx, idNumber: string, limit: number): Promise<DocumentRecord[]> {
  return (await baseQuery(db).where('doc.owner_id_number', idNumber).orderBy([{ column: 'doc.created_at', order: 'desc' }, { column: 'doc.id' }]).limit(limit)).map(toRecord);
}

/** A new document row (an upload whose bytes are already in the blob store). */
export interface NewDocument {
  id: string;
  dossier_id: number | null;
  owner_id_number: string | null;
  uploaded_by: number | null;
  agency_id: number | null;
  filename: string;
  media_type: string;
  size_bytes: number;
  sha256: string;
  storage_key: string;
  name: string | null;
}

export async function insertDocument(db: Tx, row: NewDocument): Promise<void> {
  await db('documents').insert(row);
}

/** What a claim checks of each listed document. */
export interface ClaimableDocumentRow {
  id: string;
  dossier_id: string | number | null;
  owner_id_number: string | null;
  agency_id: number | null;
  filename: string;
  media_type: string;
  size_bytes: string | number;
  sha256: string;
}

const CLAIM_COLUMNS = ['id', 'dossier_id', 'owner_id_number', 'agency_id', 'filename', 'media_type', 'size_bytes', 'sha256'] as const;

/** The listed documents, locked until the caller's transaction ends (two submissions cannot take the same file). */
export async function lockDocumentsForClaim(trx: Tx, ids: string[]): Promise<ClaimableDocumentRow[]> {
  return trx('documents').whereIn('id', ids).forUpdate().select(...CLAIM_COLUMNS);
}

/** The same rows unlocked: a check before the transaction that claims them. */
export async function findDocumentsForClaim(db: Tx, ids: string[]): Promise<ClaimableDocumentRow[]> {
  return db('documents').whereIn('id', ids).select(...CLAIM_COLUMNS);
}

/**
 * Files the documents under the dossier (and its agency); a document the claim names
 * (`name` not null) keeps that name, the others keep the one they were uploaded with; the
 * checklist item a claim says it supplies is kept with it.
 */
export async function attachDocumentsToDossier(trx: Tx, files: ReadonlyArray<{ id: string; name: string | null; checklistItem?: number | null }>, dossierId: number, agencyId: number): Promise<void> {
  if (!files.length) return;
  await trx('documents').whereIn('id', files.map((f) => f.id)).update({ dossier_id: dossierId, agency_id: agencyId });
  for (const f of files) {
    const named = { ...(f.name !== null ? { name: f.name } : {}), ...(f.checklistItem != null ? { checklist_item: f.checklistItem } : {}) };
    if (Object.keys(named).length) await trx('documents').where('id', f.id).update(named);
  }
}
