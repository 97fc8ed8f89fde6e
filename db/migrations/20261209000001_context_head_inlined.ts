import type { Knex } from 'knex';

/**
 * The context's head and token, inlined into the statements that read them (issue 18, the
 * database's CPU per event).
 *
 * `record_dossier_event` reads the head twice per event (`select … from dossier_context_head(v_id)`,
 * before and after its writes). As a SQL function returning one `record`, PostgreSQL 15 cannot
 * inline it: every call parsed and planned its three-table join again, 0.36 ms a call against
 * 0.02 ms for the same query written in place (2,000 calls in a DO block on this machine). A
 * SQL function returning a set (`returns table`), stable and not strict, is inlined into the
 * calling query, whose plan PL/pgSQL keeps: the same one row, at the cost of the query itself.
 *
 * The token was declared immutable over a body that is only stable (`bigint || text` goes
 * through the stable `textanycat`), so it was not inlined either: it is now declared stable.
 *
 * Nothing else changes: same rows, same values; the callers' text is the same (PL/pgSQL and
 * non-atomic SQL bodies are not bound to the function, so the drop needs no cascade).
 */
const HEAD_BODY = `
  select d.context_version, jsonb_build_object(
      'seq', d.projection_seq,
      'agencyEid', a.eid,
      'receivedAt', dossier_event_ms(d.received_at),
      'dueAt', dossier_event_ms(d.due_at),
      'calendarCode', d.calendar_code,
      'calendarVersion', d.calendar_version,
      'budgets', p.step_budgets)
    from dossiers d join agencies a on a.id = d.agency_id join procedures p on p.id = d.procedure_id
   where d.id = p_id
`;

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
drop function dossier_context_head(bigint);
create function dossier_context_head(p_id bigint) returns table (version bigint, head jsonb) language sql stable as $$${HEAD_BODY}$$;
alter function dossier_context_token(bigint, jsonb) stable;
`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
drop function dossier_context_head(bigint);
create function dossier_context_head(p_id bigint, out version bigint, out head jsonb) language sql stable as $$${HEAD_BODY}$$;
alter function dossier_context_token(bigint, jsonb) immutable;
`);
}
