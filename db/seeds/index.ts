import type { Knex } from 'knex';
import * as calendar from './01_calendar';
import * as agencies from './02_agencies_and_officers';
import * as procedures from './03_procedures';
import * as deadlineSettings from './04_deadline_settings';
import * as internalProcedures from './05_internal_procedures';
import * as procedureChains from './06_procedure_chains';

/** Seeds in order; each is idempotent because `npm start` runs them on every start. */
export const SEEDS: ReadonlyArray<{ name: string; seed: Knex.Seed }> = [
  { name: '01_calendar', seed: calendar },
  { name: '02_agencies_and_officers', seed: agencies },
  { name: '03_procedures', seed: procedures },
  { name: '04_deadline_settings', seed: deadlineSettings },
  { name: '05_internal_procedures', seed: internalProcedures },
  { name: '06_procedure_chains', seed: procedureChains },
];
