import type { Knex } from 'knex';

/**
 * The whole context and the message's facts planned once per connection, not at every call
 * (issue 18, the database's CPU per event).
 *
 * `dossier_context_full` (the worker's read ahead when a run begins, and the "stale" answer),
 * `dossier_facts` (the citizen's message snapshot, in `record_dossier_event` for every event that
 * notifies) and `dossier_event_context` (the same for the function's first version) are SQL
 * functions returning one scalar over joins and sub-selects: PostgreSQL inlines no such function,
 * and a SQL function not inlined has its body parsed and planned again at every call. Measured on
 * the bench database (300 dossiers, calls one after the other on an idle AMD EPYC host):
 * `dossier_context_full` 0.79–0.85 ms a call, the same body in PL/pgSQL 0.24–0.26 ms;
 * `dossier_facts` 1.01–1.09 ms, in PL/pgSQL 0.24–0.28 ms (the round trip included). In bench (b)
 * under load the first took 3.6 ms a call (`pg_stat_statements`, BENCHMARKS.md analysis (b)).
 *
 * PL/pgSQL keeps the plan of `return (…)` for the connection's life. The bodies are the
 * database's own (`pg_proc.prosrc`), not written out again: the same rows and values, the same
 * volatility; callers are not bound to the functions (PL/pgSQL bodies), so nothing else changes.
 */
const FUNCTIONS = ['dossier_context_full', 'dossier_facts', 'dossier_event_context'];
const OPEN = 'begin\n  return (';
const CLOSE = '\n  );\nend';

async function source(knex: Knex, name: string): Promise<{ body: string; language: string }> {
  const { rows } = await knex.raw(
    `select p.prosrc as body, l.lanname as language from pg_proc p join pg_language l on l.oid = p.prolang where p.oid = ?::regprocedure`,
    [`${name}(bigint)`],
  );
  if (rows.length !== 1) throw new Error(`${name}(bigint): not found`);
  return rows[0];
}

async function redefine(knex: Knex, name: string, language: 'sql' | 'plpgsql', body: string): Promise<void> {
  // Dollar quotes of their own: the bodies hold no such tag.
  if (body.includes('$fn$')) throw new Error(`${name}: its body holds $fn$`);
  await knex.raw(`create or replace function ${name}(p_id bigint) returns jsonb language ${language} stable as $fn$${body}$fn$`);
}

export async function up(knex: Knex): Promise<void> {
  for (const name of FUNCTIONS) {
    const { body, language } = await source(knex, name);
    if (language !== 'sql') throw new Error(`${name}: expected a SQL function, found ${language}`);
    await redefine(knex, name, 'plpgsql', `${OPEN}${body.trim().replace(/;$/, '')}${CLOSE}`);
  }
}

export async function down(knex: Knex): Promise<void> {
  for (const name of FUNCTIONS) {
    const { body, language } = await source(knex, name);
    if (language !== 'plpgsql' || !body.startsWith(OPEN) || !body.endsWith(CLOSE)) throw new Error(`${name}: not as this migration wrote it`);
    await redefine(knex, name, 'sql', `\n  ${body.slice(OPEN.length, body.length - CLOSE.length)}\n`);
  }
}
