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
  /** The procedure's checklist, in order (procedureChecklist). */
  items: ChecklistItemRow[];
}

export async function procedureChecklist(db: Tx, procedureId: number): Promise<ChecklistItemRow[]> {
  return db('procedure_documents').where('procedure_id', procedureId).orderBy('position').select('position', 'name', 'required', 'copies');
}

/**
 * The dossier's documents and its procedure's checklist in one statement (issue 18: the intake
 * acceptance's check before the Update is one round trip): the submission's list, the files
 * filed under it, the supplements' entries, the acceptance's data and the catalogue's items.
 */
export async function dossierChecklistFacts(db: Tx, dossierId: number): Promise<DossierChecklistFacts | undefined> {
  const { rows } = await db.raw(
    `select d.procedure_id, d.channel, d.documents,
       coalesce((select json_agg(json_build_object('id', f.id, 'name', f.name, 'filename', f.filename, 'checklist_item', f.checklist_item) order by f.created_at, f.id)
                   from documents f where f.dossier_id = d.id), '[]'::json) as files,
       coalesce((select json_agg(e.data order by e.seq) from dossier_events e where e.dossier_id = d.id and e.type = 'supplement_submitted'), '[]'::json) as supplements,
       (select e.data from dossier_events e where e.dossier_id = d.id and e.type = 'intake_accepted' order by e.seq limit 1) as acceptance,
       coalesce((select json_agg(json_build_object('position', c.position, 'name', c.name, 'required', c.required, 'copies', c.copies) order by c.position)
                   from procedure_documents c where c.procedure_id = d.procedure_id), '[]'::json) as items
     from dossiers d where d.id = ?`,
    [dossierId],
  );
  const d = rows[0] as
    | { procedure_id: number | string; channel: string; documents: unknown; files: Array<{ id: string; name: string | null; filename: string; checklist_item: number | null }>; supplements: unknown[]; acceptance: unknown; items: ChecklistItemRow[] }
    | undefined;
  if (!d) return undefined;
  return {
    procedureId: Number(d.procedure_id),
    channel: d.channel,
    submitted: d.documents,
    files: d.files.map((f) => ({ id: f.id, name: f.name ?? null, filename: f.filename, checklistItem: f.checklist_item ?? null })),
    supplements: d.supplements.flatMap((data) => {
      const docs = (data as { documents?: unknown } | null)?.documents;
      return Array.isArray(docs) ? docs : [];
    }),
    acceptance: (d.acceptance as Record<string, unknown> | null) ?? null,
    items: d.items,
  };
}
