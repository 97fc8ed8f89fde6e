import type { ComponentType } from 'react';
import type { OfficerDossier } from '../dossier/api';

/** The officer actions on a dossier: the workflow's Update names, as `allowedActions` lists them. */
export const ACTION_NAMES = [
  'acceptIntake',
  'requestIntakeSupplement',
  'refuseIntake',
  'recordPayment',
  'assign',
  'claim',
  'release',
  'requestSupplement',
  'scheduleVerification',
  'recordVerification',
  'forwardStep',
  'sendBack',
  'consult',
  'chaseLeg',
  'proposeDecision',
  'decide',
  'issueResult',
  'extendDeadline',
  'pauseClock',
  'resumeClock',
  'reappoint',
  'handOverResult',
  'cancel',
] as const;
export type ActionName = (typeof ACTION_NAMES)[number];

export interface ActionDialogProps {
  dossier: OfficerDossier;
  opened: boolean;
  /** Closes the dialog; focus returns to the button that opened it. */
  onClose(): void;
}

export interface ActionSpec {
  /** The button's words ("Tiếp nhận", "Yêu cầu bổ sung", …). */
  label: string;
  /** Its colour when it is not the usual next step (e.g. 'red' for refusals). */
  color?: string;
  dialog: ComponentType<ActionDialogProps>;
}

export type ActionRegistry = Partial<Record<ActionName, ActionSpec>>;
