import type { ActionRegistry } from './types';

/** The one-stop officer's dialogs: accept, supplement at intake, refuse, cash payment, hand-over. */
export const intakeActions: ActionRegistry = {};
