import type { Knex } from 'knex';
import type { Principal } from '../api/auth';

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
  mediaType: string;
  sizeBytes: number;
  sha256: string;
  storageKey: string;
  createdAt: Date;
  /** The dossier's `documents` list, where a citizen named the file ("Tờ khai CT01"). */
  dossierDocuments: unknown;
}

/**
 * Who may read a document:
 * - a citizen: their own uploads, and every document of a dossier they are the applicant of;
 * - an officer: documents of the agencies where their token gives them a role (the dossier's
 *   agency decides; a counter scan not yet filed belongs to the uploader's agency);
 * - nobody else. A citizen's upload not yet attached to a dossier is theirs alone.
 */
export function mayRead(principal: Principal | null, doc: Pick<DocumentRecord, 'ownerIdNumber' | 'applicantIdNumber' | 'agencyEid'>): boolean {
  if (!principal) return false;
  if (principal.kind === 'citizen') {
    return doc.ownerIdNumber === principal.idNumber || doc.applicantIdNumber === principal.idNumber;
  }
  return doc.agencyEid !== null && principal.roles.some((r) => r.agencyEid === doc.agencyEid);
}

function baseQuery(db: Knex) {
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
    mediaType: r.media_type,
    sizeBytes: Number(r.size_bytes),
    sha256: r.sha256,
    storageKey: r.storage_key,
    createdAt: r.created_at,
    dossierDocuments: r.dossier_documents ?? null,
  };
}

export async function findDocument(db: Knex, id: string): Promise<DocumentRecord | null> {
  const row = await baseQuery(db).where('doc.id', id).first();
  return row ? toRecord(row) : null;
}

export async function documentsOfDossier(db: Knex, dossierId: number): Promise<DocumentRecord[]> {
  return (await baseQuery(db).where('doc.dossier_id', dossierId).orderBy([{ column: 'doc.created_at' }, { column: 'doc.id' }])).map(toRecord);
}

export async function uploadsOfCitizen(db: Knex, idNumber: string, limit: number): Promise<DocumentRecord[]> {
  return (await baseQuery(db).where('doc.owner_id_number', idNumber).orderBy([{ column: 'doc.created_at', order: 'desc' }, { column: 'doc.id' }]).limit(limit)).map(toRecord);
}

/** The name the submission gave the file (`documents: [{ name, fileId }]`), if it did. */
export function nameInDossier(doc: Pick<DocumentRecord, 'id' | 'dossierDocuments'>): string | null {
  const list = Array.isArray(doc.dossierDocuments) ? (doc.dossierDocuments as Array<{ name?: unknown; fileId?: unknown }>) : [];
  const hit = list.find((x) => x && typeof x === 'object' && typeof x.fileId === 'string' && x.fileId.toLowerCase() === doc.id);
  return hit && typeof hit.name === 'string' ? hit.name : null;
}
