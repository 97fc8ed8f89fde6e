/**
 * The read model the dossier workflow writes (the recordDossierEvent activity) lives with its
 * SQL in db/repositories/dossier-events.ts; its record types are part of the activities'
 * contract and stay importable from here and from activities/.
 */
export type { DossierEventRecord, HandoffOpening, HandoffStep, ProjectionFields } from '../db/repositories/dossier-events';
export { handoffOutcome, recordDossierEvent, refreshProcessingFacts } from '../db/repositories/dossier-events';
