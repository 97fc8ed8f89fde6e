/** Kept for importers not yet moved to the versioned contract; see ./contracts/dossier-v1.ts. */
export * from './contracts/dossier-v1';
