import type { Sinks } from '@temporalio/workflow';

/**
 * What a dossier's workflow tells the worker process that runs it, outside its history: a sink
 * call issues no command and is not made while history is replayed, so adding or moving one
 * changes no recorded history. The worker registers these (worker/dossier-worker.ts
 * `dossierWorkerSinks`); a worker without them logs the call and goes on.
 */
export interface DossierWorkerSinks extends Sinks {
  dossierContext: {
    /**
     * A run of this dossier begins here: read its event context (the dossier's head, its log and
     * its process-control sheet) into the process's cache, so that the first event this worker
     * writes for it (the acceptance, on a dossier the API filed) is one call of
     * `record_dossier_event` rather than a stale one and a second (db/repositories/dossier-events.ts
     * `warmEventContext`). A hint only: without it the write is as correct, one call slower.
     */
    warm(dossierId: number): void;
  };
}
