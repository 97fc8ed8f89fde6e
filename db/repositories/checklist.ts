import type { Tx } from '../connection';

/**
 * What the intake checklist (docs/domain.md §3.1) is judged on: the procedure's catalogue of
 * documents, and every document of the dossier (the submission's list, the files filed under
 * it, the entries of the citizen's supplements), with the officer's waivers once received.
 */

export interface ChecklistItemRow {
  position: number;
  name: string;
  required: boolean;
  copies: number;
}

export interface DossierChecklistFacts {
  procedureId: number;
  channel: string;
  /** The submission's list: `{ name, fileId?, checklistItem? }`. */
  submitted: unknown;
  /** Files filed under the dossier (uploaded by the citizen or an officer, claimed by a submission or supplement). */
  files: Array<{ id: string; name: string | null; filename: string; checklistItem: number | null }>;
  /** The document entries of the citizen's supplements, in order. */
  supplements: unknown[];
  /** The data of the intake acceptance event, once the dossier is received. */
  acceptance: Record<string, unknown> | null;
}

export async function procedureChecklist(db: Tx, procedureId: number): Promise<ChecklistItemRow[]> {
  return db('procedure_documents').where('procedure_id', procedureId).orderBy('position').select('position', 'name', 'required', 'copies');
}

export async function dossierChecklistFacts(db: Tx, dossierId: number): Promise<DossierChecklistFacts | undefined> {
  const d = await db('dossiers').where('id', dossierId).first('procedure_id', 'channel', 'documents');
  if (!d) return undefined;
  const files = await db('documents').where('dossier_id', dossierId).orderBy([{ column: 'created_at' }, { column: 'id' }]).select('id', 'name', 'filename', 'checklist_item');
  const supplements = await db('dossier_events').where({ dossier_id: dossierId, type: 'supplement_submitted' }).orderBy('seq').select('data');
  const accepted = await db('dossier_events').where({ dossier_id: dossierId, type: 'intake_accepted' }).orderBy('seq').first('data');
  return {
    procedureId: Number(d.procedure_id),
    channel: d.channel,
    submitted: d.documents,
    files: files.map((f) => ({ id: f.id, name: f.name ?? null, filename: f.filename, checklistItem: f.checklist_item ?? null })),
    supplements: supplements.flatMap((s) => {
      const docs = (s.data as { documents?: unknown } | null)?.documents;
      return Array.isArray(docs) ? docs : [];
    }),
    acceptance: (accepted?.data as Record<string, unknown> | undefined) ?? null,
  };
}
