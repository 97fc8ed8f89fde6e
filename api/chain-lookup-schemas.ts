import { z } from 'zod';
import { agencyRef, vnInstant } from './contract';

/**
 * The chain as the status lookup and the citizen's list show it (dossiers/chains.ts): kept apart
 * from dossier-schemas.ts, which uses them, and chain-schemas.ts, which uses that.
 */

export const budget = z.strictObject({ unit: z.enum(['working_days', 'working_hours']), value: z.number() });
export const procedureRef = z.strictObject({ code: z.string(), name: z.string() });
const statusRef = z.strictObject({ code: z.string(), label: z.string() });

/** The chain a dossier is a stage of, as the status lookup shows it (nothing personal). */
export const chainLookup = z
  .strictObject({
    code: z.string().describe('The citizen’s one lookup code (the first stage’s dossier code)'),
    chainCode: z.string(),
    name: z.string(),
    basis: z.string().nullable(),
    totalLimit: budget.nullable(),
    status: z.strictObject({ code: z.enum(['IN_PROGRESS', 'COMPLETED', 'STOPPED']), label: z.string() }),
    currentStage: z.number().int(),
    receivedAt: vnInstant.nullable().describe('The first stage’s receipt: the total limit counts from it'),
    dueAt: vnInstant.nullable().describe('The whole chain’s due date, on the first agency’s calendar; null until the first stage is received'),
    completedAt: vnInstant.nullable(),
    onTime: z.boolean().nullable().describe('Once completed: whether within the total limit'),
    lateStage: z.number().int().nullable().describe('The first stage finished after its own due date (its agency is at fault)'),
    stop: z.strictObject({ stage: z.number().int(), status: statusRef }).nullable().describe('A stopped chain: the stage and how it ended (refused, denied, withdrawn, stopped, closed)'),
    stages: z.array(
      z.strictObject({
        stage: z.number().int(),
        procedure: procedureRef,
        agency: agencyRef,
        limit: budget,
        code: z.string().nullable().describe('The stage’s own dossier code; null until the stage begins'),
        status: statusRef.nullable(),
        submittedAt: vnInstant.nullable(),
        receivedAt: vnInstant.nullable(),
        appointmentAt: vnInstant.nullable(),
        completedAt: vnInstant.nullable(),
        resultNumber: z.string().nullable(),
      }),
    ),
  })
  .meta({ id: 'ChainLookup' });

/** In a list of dossiers: which chain, and which stage of it, a dossier is. */
export const chainRef = z.strictObject({ code: z.string(), name: z.string(), stage: z.number().int(), status: z.strictObject({ code: z.string(), label: z.string() }) });

