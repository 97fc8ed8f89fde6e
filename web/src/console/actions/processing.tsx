import type { ActionRegistry } from './types';

/** The specialist's and the leader's dialogs: claim, release, assign, supplement, visit, proposal, decision, extension, clock, reappointment, cancel. */
export const processingActions: ActionRegistry = {};
