/**
 * The intake checklist (thành phần hồ sơ, docs/domain.md §3.1): each document the procedure's
 * catalogue lists, and whether the dossier supplies it. A document of the dossier supplies a
 * checklist item when it names the item's position (`checklistItem`) or, failing that, when
 * its name is the item's name (letter case, Unicode form and spacing aside). Files filed under
 * the dossier count, and so do the entries of the submission and of the citizen's supplements
 * that list a paper without a file (handed over at the counter). A required item nobody
 * supplies must be waived by the one-stop officer with a reason, or the dossier is not received.
 */

export interface ChecklistItem {
  /** Its position in the catalogue (procedure_documents.position), from 1. */
  position: number;
  name: string;
  required: boolean;
  copies: number;
}

/** One document of the dossier as the checklist sees it. */
export interface DossierDocumentEntry {
  /** The file's id; null for a paper listed without a file. */
  documentId: string | null;
  name: string | null;
  checklistItem: number | null;
  form: 'file' | 'paper';
  source: 'submission' | 'supplement' | 'upload';
}

export interface ChecklistWaiver {
  item: number;
  reason: string;
}

export type ChecklistItemStatus = 'supplied' | 'waived' | 'missing' | 'not_supplied';

export interface ChecklistLine {
  item: number;
  name: string;
  required: boolean;
  copies: number;
  /** supplied; waived (required, not supplied, waived with a reason); missing (required); not_supplied (optional). */
  status: ChecklistItemStatus;
  documents: Array<{ documentId: string | null; name: string | null; form: 'file' | 'paper'; source: DossierDocumentEntry['source'] }>;
  waiver: { reason: string } | null;
}

export interface ChecklistStatus {
  items: ChecklistLine[];
  /** Every required item is supplied or waived. */
  complete: boolean;
  missing: Array<{ item: number; name: string }>;
  /** Documents of the dossier that match no checklist item. */
  unmatched: Array<{ documentId: string | null; name: string | null }>;
}

export function normalizeDocumentName(name: string): string {
  return name.normalize('NFC').toLocaleLowerCase('vi').replace(/\s+/g, ' ').trim();
}

/** The checklist item a document supplies, or null. */
export function matchChecklistItem(items: readonly ChecklistItem[], doc: Pick<DossierDocumentEntry, 'name' | 'checklistItem'>): ChecklistItem | null {
  if (doc.checklistItem !== null) {
    const byPosition = items.find((i) => i.position === doc.checklistItem);
    if (byPosition) return byPosition;
  }
  if (!doc.name) return null;
  const name = normalizeDocumentName(doc.name);
  return items.find((i) => normalizeDocumentName(i.name) === name) ?? null;
}

export function checklistStatus(items: readonly ChecklistItem[], documents: readonly DossierDocumentEntry[], waivers: readonly ChecklistWaiver[] = []): ChecklistStatus {
  const lines = new Map<number, ChecklistLine>(
    items.map((i) => [i.position, { item: i.position, name: i.name, required: i.required, copies: i.copies, status: 'missing' as ChecklistItemStatus, documents: [], waiver: null }]),
  );
  const unmatched: ChecklistStatus['unmatched'] = [];
  for (const doc of documents) {
    const item = matchChecklistItem(items, doc);
    if (!item) {
      unmatched.push({ documentId: doc.documentId, name: doc.name });
      continue;
    }
    lines.get(item.position)!.documents.push({ documentId: doc.documentId, name: doc.name, form: doc.form, source: doc.source });
  }
  const waived = new Map(waivers.map((w) => [w.item, w.reason]));
  for (const line of lines.values()) {
    if (line.documents.length) line.status = 'supplied';
    else if (waived.has(line.item)) {
      line.status = 'waived';
      line.waiver = { reason: waived.get(line.item)! };
    } else line.status = line.required ? 'missing' : 'not_supplied';
  }
  const all = [...lines.values()];
  const missing = all.filter((l) => l.status === 'missing').map((l) => ({ item: l.item, name: l.name }));
  return { items: all, complete: missing.length === 0, missing, unmatched };
}
