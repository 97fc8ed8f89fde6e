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
} from '../domain/types';

/** Messages of the dossier workflow, shared by the workflow and the API. */
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
