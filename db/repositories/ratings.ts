import type { Tx } from '../connection';

/** Satisfaction ratings (dossier_ratings): one per dossier, and their counts for the supervisor. */

export interface RatingRow {
  dossier_id: number;
  level: string;
  comment: string | null;
  rated_at: Date;
}

/** Records the rating unless the dossier has one; the row written, or undefined when it was rated already. */
export async function insertRating(
  db: Tx,
  row: { dossier_id: number; agency_id: number; officer_id: number | null; level: string; comment: string | null },
): Promise<RatingRow | undefined> {
  const [written] = await db('dossier_ratings').insert(row).onConflict('dossier_id').ignore().returning(['dossier_id', 'level', 'comment', 'rated_at']);
  return written;
}

export async function findRating(db: Tx, dossierId: number): Promise<RatingRow | undefined> {
  return db('dossier_ratings').where('dossier_id', dossierId).first('dossier_id', 'level', 'comment', 'rated_at');
}

/** One group of the satisfaction report: its key (agency e-ID, officer username; null: no officer) and counts per level. */
export interface RatingCountRow {
  key: string | null;
  name: string | null;
  very_satisfied: number;
  satisfied: number;
  not_satisfied: number;
}

/** Ratings given in [from, until) of dossiers of these agencies, per agency or per officer who handled them. */
export async function ratingCounts(db: Tx, q: { agencyIds: number[]; from: Date; until: Date; groupBy: 'agency' | 'officer' }): Promise<RatingCountRow[]> {
  const query = db('dossier_ratings as r')
    .whereIn('r.agency_id', q.agencyIds)
    .where('r.rated_at', '>=', q.from)
    .where('r.rated_at', '<', q.until);
  if (q.groupBy === 'agency') query.join('agencies as g', 'g.id', 'r.agency_id').groupBy('g.eid', 'g.name').select('g.eid as key', 'g.name as name');
  else query.leftJoin('users as g', 'g.id', 'r.officer_id').groupBy('g.username', 'g.full_name').select('g.username as key', 'g.full_name as name');
  return query.select(
    db.raw(`count(*) filter (where r.level = 'very_satisfied')::int as very_satisfied`),
    db.raw(`count(*) filter (where r.level = 'satisfied')::int as satisfied`),
    db.raw(`count(*) filter (where r.level = 'not_satisfied')::int as not_satisfied`),
  );
}
