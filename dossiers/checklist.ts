import type { Db } from '../db/connection';
import { dossierChecklistFacts, procedureChecklist } from '../db/repositories/checklist';
import { checklistStatus, type ChecklistItem, type ChecklistStatus, type ChecklistWaiver, type DossierDocumentEntry } from '../domain/checklist';
import { DomainError, FieldErrors } from '../domain/errors';
import { unknownDossier } from '../domain/principal';

/**
 * Thành phần hồ sơ at intake (docs/domain.md §3.1): which of the procedure's documents the
 * dossier supplies, and the check the one-stop officer's acceptance passes before the
 * workflow hears of it (domain/checklist.ts has the rule). The workflow gets the outcome as
 * checklist positions and document IDs, never the documents.
 */

/** What the acceptance tells the workflow: the items supplied (by which documents) and those waived, with reasons. */
export interface IntakeDocumentCheck {
  supplied: Array<{ item: number; name: string; documentIds: string[]; papers: number }>;
  waived: Array<{ item: number; name: string; reason: string }>;
}

type Entry = { name?: unknown; fileId?: unknown; checklistItem?: unknown };

const entries = (v: unknown): Entry[] => (Array.isArray(v) ? (v.filter((e) => e && typeof e === 'object') as Entry[]) : []);
const position = (v: unknown): number | null => (typeof v === 'number' && Number.isInteger(v) && v >= 1 ? v : null);
const text = (v: unknown): string | null => (typeof v === 'string' && v.trim() ? v : null);

async function load(db: Db, dossierId: number) {
  const facts = await dossierChecklistFacts(db, dossierId);
  if (!facts) throw unknownDossier();
  const items: ChecklistItem[] = facts.items.map((r) => ({ position: Number(r.position), name: r.name, required: r.required, copies: Number(r.copies) }));
  const submitted = entries(facts.submitted);
  const supplied = entries(facts.supplements);
  // What the submission or a supplement said of each file it named.
  const said = new Map<string, { name: string | null; checklistItem: number | null; source: 'submission' | 'supplement' }>();
  for (const [list, source] of [[submitted, 'submission'], [supplied, 'supplement']] as const) {
    for (const e of list) {
      if (typeof e.fileId === 'string') said.set(e.fileId.toLowerCase(), { name: text(e.name), checklistItem: position(e.checklistItem), source });
    }
  }
  const documents: DossierDocumentEntry[] = [
    ...facts.files.map((f) => {
      const s = said.get(f.id.toLowerCase());
      return { documentId: f.id, name: f.name ?? s?.name ?? null, checklistItem: f.checklistItem ?? s?.checklistItem ?? null, form: 'file' as const, source: s?.source ?? ('upload' as const) };
    }),
    // Papers listed without a file: handed over at the counter, or brought with the supplement.
    ...submitted.filter((e) => typeof e.fileId !== 'string').map((e) => ({ documentId: null, name: text(e.name), checklistItem: position(e.checklistItem), form: 'paper' as const, source: 'submission' as const })),
    ...supplied.filter((e) => typeof e.fileId !== 'string').map((e) => ({ documentId: null, name: text(e.name), checklistItem: position(e.checklistItem), form: 'paper' as const, source: 'supplement' as const })),
  ];
  const waived = (facts.acceptance?.documents as { waived?: ChecklistWaiver[] } | undefined)?.waived ?? [];
  return { items, documents, waived };
}

/** The checklist as the officer's console shows it: each item supplied (by which documents), waived or missing. */
export async function dossierChecklist(db: Db, dossierId: number): Promise<ChecklistStatus> {
  const { items, documents, waived } = await load(db, dossierId);
  return checklistStatus(items, documents, waived);
}

/**
 * Before the acceptance reaches the workflow: every required item supplied or waived with a
 * reason. Waivers naming no item of the checklist, or an item already supplied, are refused
 * (422, field errors); a required item neither supplied nor waived refuses the acceptance
 * (422, reason `RequiredDocumentsMissing`, the missing items listed).
 */
export async function checkIntakeDocuments(db: Db, dossierId: number, waivers: readonly ChecklistWaiver[] = [], path = 'waivers'): Promise<IntakeDocumentCheck> {
  const { items, documents } = await load(db, dossierId);
  const v = new FieldErrors();
  const before = checklistStatus(items, documents);
  waivers.forEach((w, i) => {
    const line = before.items.find((l) => l.item === w.item);
    if (!line) v.fail(`${path}[${i}].item`, `thủ tục không có giấy tờ số ${w.item} trong thành phần hồ sơ (có ${items.length} mục)`);
    else if (line.status === 'supplied') v.fail(`${path}[${i}].item`, `giấy tờ số ${w.item} ("${line.name}") đã có trong hồ sơ, không cần miễn`);
    if (!w.reason?.trim()) v.fail(`${path}[${i}].reason`, 'phải ghi lý do miễn giấy tờ');
  });
  v.throwIfInvalid();
  const status = checklistStatus(items, documents, waivers);
  if (!status.complete) {
    throw new DomainError(
      'invalid',
      'Required documents missing',
      `Hồ sơ chưa đủ thành phần bắt buộc nên chưa thể tiếp nhận: thiếu ${status.missing.map((m) => `(${m.item}) ${m.name}`).join('; ')}. Đề nghị công dân bổ sung (Mẫu 02) hoặc ghi lý do miễn từng giấy tờ.`,
      { reason: 'RequiredDocumentsMissing', missing: status.missing },
    );
  }
  return {
    supplied: status.items.filter((l) => l.status === 'supplied').map((l) => ({ item: l.item, name: l.name, documentIds: l.documents.flatMap((d) => (d.documentId ? [d.documentId] : [])), papers: l.documents.filter((d) => d.form === 'paper').length })),
    waived: status.items.filter((l) => l.status === 'waived').map((l) => ({ item: l.item, name: l.name, reason: l.waiver!.reason })),
  };
}

/**
 * A submission's or supplement's `documents[i].checklistItem` must name an item of the
 * procedure's checklist (422 otherwise). `procedureId` is the submission's procedure; for a
 * supplement, pass the dossier instead.
 */
export async function checkChecklistPositions(db: Db, of: { procedureId: number } | { dossierId: number }, documents: ReadonlyArray<{ checklistItem?: number }>, path = 'documents'): Promise<void> {
  if (!documents.some((d) => d.checklistItem !== undefined)) return;
  const procedureId = 'procedureId' in of ? of.procedureId : (await dossierChecklistFacts(db, of.dossierId))?.procedureId;
  if (procedureId === undefined) throw unknownDossier();
  const positions = new Set((await procedureChecklist(db, procedureId)).map((r) => Number(r.position)));
  const v = new FieldErrors();
  documents.forEach((d, i) => {
    if (d.checklistItem !== undefined && !positions.has(d.checklistItem)) v.fail(`${path}[${i}].checklistItem`, `thủ tục không có giấy tờ số ${d.checklistItem} trong thành phần hồ sơ (có ${positions.size} mục)`);
  });
  v.throwIfInvalid();
}
