import { intakeActions } from './intake';
import { processingActions } from './processing';
import { ACTION_NAMES, type ActionName, type ActionRegistry } from './types';

export const ACTIONS: ActionRegistry = { ...intakeActions, ...processingActions };

/** The actions to offer, in the order of the lifecycle: those the API allows that have a dialog. */
export function offeredActions(allowed: readonly string[] | undefined): ActionName[] {
  return ACTION_NAMES.filter((a) => ACTIONS[a] && (allowed === undefined || allowed.includes(a)));
}
