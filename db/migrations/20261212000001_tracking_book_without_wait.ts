import type { Knex } from 'knex';
import { replaceInFunction } from './20261209000002_change_counter_shards';

/**
 * The tracking book's number from a sequence of its own per agency and year (issue 18, target 1;
 * sổ theo dõi hồ sơ, Form 01's "quyển số, số thứ tự").
 *
 * The number was raised in `tracking_book_sequences`, one row per agency and year, inside the
 * acceptance's write (`record_dossier_event`), so the row stayed locked until that write's commit
 * and every acceptance of the agency queued behind the one before it, through its commit (which
 * itself queues on PostgreSQL's cluster-wide lock for notifications): 4.2 and 5.9 ms of wait per
 * acceptance on average, up to 102 and 191 ms, in two quick runs of bench (b) (pg_stat_statements,
 * BENCHMARKS.md analysis (b), session 21), on the action with the worst p99 against its floor.
 *
 * `tracking_book_next(agency, year)` takes `nextval` of the sequence `tracking_book.agency_<id>_<year>`,
 * which locks nothing until commit. The sequence is created by the first number of its agency
 * and year, starting after what `tracking_book_sequences` counted for that book before this
 * change (the table is no longer raised). Two first numbers at once meet on the catalogue: the
 * second waits for the first's commit and then uses the sequence it created (or creates it, if
 * that write failed). The cost is the dossier code's (docs/domain.md §4): a number taken by a
 * write that then fails is not given back, so the book may skip a number (and up to 32 after a crash
 * of the database server, which logs a sequence's values ahead); it never gives one twice (and
 * `dossiers` keeps its unique (agency, year, number)).
 */
const RAISED_IN_TABLE = `      insert into tracking_book_sequences as s (agency_id, year, last_value) values (v_d.agency_id, v_year, 1)
      on conflict (agency_id, year) do update set last_value = s.last_value + 1
      returning last_value into v_number;
`;
const FROM_SEQUENCE = `      v_number := tracking_book_next(v_d.agency_id, v_year);
`;

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
create schema tracking_book;
comment on schema tracking_book is 'One sequence per agency and year: the numbers of its tracking book (sổ theo dõi hồ sơ), agency_<agency id>_<year>';

create function tracking_book_next(p_agency integer, p_year integer) returns integer
language plpgsql volatile as $fn$
declare
  v_name text := format('agency_%s_%s', p_agency, p_year);
  v_start integer;
begin
  if to_regclass(format('tracking_book.%I', v_name)) is null then
    select coalesce(max(last_value), 0) + 1 into v_start from tracking_book_sequences where agency_id = p_agency and year = p_year;
    begin
      execute format('create sequence if not exists tracking_book.%I as integer start with %s', v_name, v_start);
    exception when unique_violation or duplicate_table then
      null; -- created by another first number of the book, committed while this one waited
    end;
  end if;
  return nextval(format('tracking_book.%I', v_name)::regclass);
end
$fn$;
`);
  await replaceInFunction(knex, RAISED_IN_TABLE, FROM_SEQUENCE);
}

export async function down(knex: Knex): Promise<void> {
  await replaceInFunction(knex, FROM_SEQUENCE, RAISED_IN_TABLE);
  // Each book's last number back into the table, which counts on from it again.
  const { rows } = await knex.raw(`
select (regexp_match(c.relname, '^agency_(\\d+)_(\\d+)$'))[1]::integer as agency_id, (regexp_match(c.relname, '^agency_(\\d+)_(\\d+)$'))[2]::integer as year, s.last_value
from pg_class c join pg_namespace n on n.oid = c.relnamespace join pg_sequences s on s.schemaname = n.nspname and s.sequencename = c.relname
where n.nspname = 'tracking_book' and c.relkind = 'S' and s.last_value is not null`);
  for (const r of rows as Array<{ agency_id: number; year: number; last_value: string }>) {
    await knex.raw(
      `insert into tracking_book_sequences (agency_id, year, last_value) values (?, ?, ?) on conflict (agency_id, year) do update set last_value = excluded.last_value`,
      [r.agency_id, r.year, Number(r.last_value)],
    );
  }
  await knex.raw(`drop function tracking_book_next(integer, integer); drop schema tracking_book cascade;`);
}
