import type { Db } from '../db/connection';
import { dossierChecklistFacts } from '../db/repositories/checklist';

/**
 * Every document the dossier was received with, as Form 01 lists them: the submission's list,
 * then what the citizen supplied during the supplement at intake, each by the name it was given.
 */
export async function receivedDocuments(db: Db, dossierId: number): Promise<Array<{ name: string }>> {
  const facts = await dossierChecklistFacts(db, dossierId);
  if (!facts) return [];
  const named = (list: unknown): Array<{ name: string }> =>
    (Array.isArray(list) ? list : []).filter((e): e is { name: string } => !!e && typeof (e as { name?: unknown }).name === 'string').map((e) => ({ name: e.name }));
  return [...named(facts.submitted), ...named(facts.supplements)];
}
