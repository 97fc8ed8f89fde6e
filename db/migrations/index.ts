import type { Knex } from 'knex';
import * as platform from './20261124000001_platform';
import * as deadlines from './20261125000001_deadlines';
import * as apiPlatform from './20261125000002_api_platform';
import * as apiFollowups from './20261125000003_api_followups';
import * as processingEnd from './20261126000001_processing_end';
import * as openDueIndex from './20261126000002_open_due_index';
import * as auditAnonymousActor from './20261127000001_audit_anonymous_actor';
import * as intakeChecklistClockFee from './20261204000001_intake_checklist_clock_fee';
import * as handoffCountFrom from './20261204000002_handoff_count_from';
import * as trackingBook from './20261204000003_tracking_book';
import * as dossierRatings from './20261204000004_dossier_ratings';
import * as consoleWorklist from './20261204000005_console_worklist';
import * as liveQueues from './20261204000006_live_queues';
import * as routedDossiers from './20261205000001_routed_dossiers';
import * as internalProcedures from './20261205000002_internal_procedures';
import * as interagencyLegs from './20261205000003_interagency_legs';
import * as procedureChains from './20261205000004_procedure_chains';
import * as recordEventFunction from './20261206000001_record_event_function';
import * as centreViews from './20261206000002_centre_views';
import * as lookupFastPath from './20261206000003_lookup_fast_path';
import * as report766Speed from './20261206000004_report_766_speed';
import * as contextVersion from './20261207000001_context_version';
import * as userChanges from './20261207100001_user_changes';
import * as trackingBookLast from './20261208000001_tracking_book_last';
import * as contextHeadInlined from './20261209000001_context_head_inlined';
import * as changeCounterShards from './20261209000002_change_counter_shards';
import * as dossierRowWrittenOnce from './20261210000001_dossier_row_written_once';
import * as contextAndFactsPlansKept from './20261211000001_context_and_facts_plans_kept';
import * as trackingBookWithoutWait from './20261212000001_tracking_book_without_wait';

/**
 * Migrations in order. Listed statically so they load the same way under tsx,
 * vitest and the compiled image; add new ones at the end, never rename old ones.
 */
export const MIGRATIONS: ReadonlyArray<{ name: string; migration: Knex.Migration }> = [
  { name: '20261124000001_platform', migration: platform },
  { name: '20261125000001_deadlines', migration: deadlines },
  { name: '20261125000002_api_platform', migration: apiPlatform },
  { name: '20261125000003_api_followups', migration: apiFollowups },
  { name: '20261126000001_processing_end', migration: processingEnd },
  { name: '20261126000002_open_due_index', migration: openDueIndex },
  { name: '20261127000001_audit_anonymous_actor', migration: auditAnonymousActor },
  { name: '20261204000001_intake_checklist_clock_fee', migration: intakeChecklistClockFee },
  { name: '20261204000002_handoff_count_from', migration: handoffCountFrom },
  { name: '20261204000003_tracking_book', migration: trackingBook },
  { name: '20261204000004_dossier_ratings', migration: dossierRatings },
  { name: '20261204000005_console_worklist', migration: consoleWorklist },
  { name: '20261204000006_live_queues', migration: liveQueues },
  { name: '20261205000001_routed_dossiers', migration: routedDossiers },
  { name: '20261205000002_internal_procedures', migration: internalProcedures },
  { name: '20261205000003_interagency_legs', migration: interagencyLegs },
  { name: '20261205000004_procedure_chains', migration: procedureChains },
  { name: '20261206000001_record_event_function', migration: recordEventFunction },
  { name: '20261206000002_centre_views', migration: centreViews },
  { name: '20261206000003_lookup_fast_path', migration: lookupFastPath },
  { name: '20261206000004_report_766_speed', migration: report766Speed },
  { name: '20261207000001_context_version', migration: contextVersion },
  { name: '20261207100001_user_changes', migration: userChanges },
  { name: '20261208000001_tracking_book_last', migration: trackingBookLast },
  { name: '20261209000001_context_head_inlined', migration: contextHeadInlined },
  { name: '20261209000002_change_counter_shards', migration: changeCounterShards },
  { name: '20261210000001_dossier_row_written_once', migration: dossierRowWrittenOnce },
  { name: '20261211000001_context_and_facts_plans_kept', migration: contextAndFactsPlansKept },
  { name: '20261212000001_tracking_book_without_wait', migration: trackingBookWithoutWait },
];
