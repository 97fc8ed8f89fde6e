import { defineQuery, defineUpdate } from '@temporalio/workflow';
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import type {
  AcceptIntakeCommand,
  AssignCommand,
  ClaimCommand,
  CancelCommand,
  DecideCommand,
  DossierView,
  HandOverResultCommand,
  IntakeSupplementCommand,
  ProcessingSupplementCommand,
  ProposeDecisionCommand,
  RecordPaymentCommand,
  RecordVerificationCommand,
  ScheduleVerificationCommand,
  ShipmentEventCommand,
  RefuseIntakeCommand,
  SubmitSupplementCommand,
  WithdrawCommand,
  ExtendDeadlineCommand,
  PauseClockCommand,
  ResumeClockCommand,
  ReappointCommand,
  RebaseCalendarCommand,
} from '../../domain/types';

/**
 * The dossier workflow's message contract, version 1: every Update and Query it answers, their
 * command and view types, and the search attributes it keeps. The workflow (workflows/dossier/)
 * and its one client (dossiers/client.ts) both import from here, so a message is named once.
 *
 * Versioning: the names below are in recorded histories and running workflows. A change of a
 * message's meaning or shape is a new message (or a dossier-v2.ts beside this file), never an
 * edit in place; additions of optional fields are compatible.
 */
export type {
  AcceptIntakeCommand,
  AssignCommand,
  ClaimCommand,
  CancelCommand,
  DecideCommand,
  DeadlineView,
  DossierView,
  DossierWorkflowInput,
  HandOverResultCommand,
  IntakeSupplementCommand,
  ProcessingSupplementCommand,
  ProposeDecisionCommand,
  RecordPaymentCommand,
  RecordVerificationCommand,
  ScheduleVerificationCommand,
  ShipmentEventCommand,
  RefuseIntakeCommand,
  SubmitSupplementCommand,
  WithdrawCommand,
  ExtendDeadlineCommand,
  PauseClockCommand,
  ResumeClockCommand,
  ReappointCommand,
  RebaseCalendarCommand,
} from '../../domain/types';
export const acceptIntakeUpdate = defineUpdate<DossierView, [AcceptIntakeCommand]>('acceptIntake');
export const requestIntakeSupplementUpdate = defineUpdate<DossierView, [IntakeSupplementCommand]>('requestIntakeSupplement');
export const refuseIntakeUpdate = defineUpdate<DossierView, [RefuseIntakeCommand]>('refuseIntake');
export const submitSupplementUpdate = defineUpdate<DossierView, [SubmitSupplementCommand]>('submitSupplement');
export const assignUpdate = defineUpdate<DossierView, [AssignCommand]>('assign');
export const claimUpdate = defineUpdate<DossierView, [ClaimCommand]>('claim');
export const releaseUpdate = defineUpdate<DossierView, [ClaimCommand]>('release');
export const requestSupplementUpdate = defineUpdate<DossierView, [ProcessingSupplementCommand]>('requestSupplement');
export const scheduleVerificationUpdate = defineUpdate<DossierView, [ScheduleVerificationCommand]>('scheduleVerification');
export const recordVerificationUpdate = defineUpdate<DossierView, [RecordVerificationCommand]>('recordVerification');
export const recordPaymentUpdate = defineUpdate<DossierView, [RecordPaymentCommand]>('recordPayment');
export const recordShipmentEventUpdate = defineUpdate<DossierView, [ShipmentEventCommand]>('recordShipmentEvent');
export const proposeDecisionUpdate = defineUpdate<DossierView, [ProposeDecisionCommand]>('proposeDecision');
export const decideUpdate = defineUpdate<DossierView, [DecideCommand]>('decide');
export const handOverResultUpdate = defineUpdate<DossierView, [HandOverResultCommand]>('handOverResult');
export const withdrawUpdate = defineUpdate<DossierView, [WithdrawCommand]>('withdraw');
export const cancelUpdate = defineUpdate<DossierView, [CancelCommand]>('cancel');
export const extendDeadlineUpdate = defineUpdate<DossierView, [ExtendDeadlineCommand]>('extendDeadline');
export const pauseClockUpdate = defineUpdate<DossierView, [PauseClockCommand]>('pauseClock');
export const resumeClockUpdate = defineUpdate<DossierView, [ResumeClockCommand]>('resumeClock');
export const reappointUpdate = defineUpdate<DossierView, [ReappointCommand]>('reappoint');
export const rebaseCalendarUpdate = defineUpdate<DossierView, [RebaseCalendarCommand]>('rebaseCalendar');
export const dossierViewQuery = defineQuery<DossierView>('dossierView');

export const DossierStatusKey = defineSearchAttributeKey('DossierStatus', SearchAttributeType.KEYWORD);
export const DossierCodeKey = defineSearchAttributeKey('DossierCode', SearchAttributeType.KEYWORD);
export const AgencyCodeKey = defineSearchAttributeKey('AgencyCode', SearchAttributeType.KEYWORD);
export const ProcedureCodeKey = defineSearchAttributeKey('ProcedureCode', SearchAttributeType.KEYWORD);
