import type { Principal } from '../domain/principal';
import type { DocumentRecord } from '../db/repositories/documents';

export { documentsOfDossier, findDocument, uploadsOfCitizen, type DocumentRecord } from '../db/repositories/documents';

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

/** The name the submission gave the file (`documents: [{ name, fileId }]`), if it did. */
export function nameInDossier(doc: Pick<DocumentRecord, 'id' | 'dossierDocuments'>): string | null {
  const list = Array.isArray(doc.dossierDocuments) ? (doc.dossierDocuments as Array<{ name?: unknown; fileId?: unknown }>) : [];
  const hit = list.find((x) => x && typeof x === 'object' && typeof x.fileId === 'string' && x.fileId.toLowerCase() === doc.id);
  return hit && typeof hit.name === 'string' ? hit.name : null;
}
