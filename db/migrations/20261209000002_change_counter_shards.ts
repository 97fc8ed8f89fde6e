import type { Knex } from 'knex';

/**
 * The agency's change counter in shards (issue 18, target 1): `dossier_change_versions` had one
 * row per agency, raised last by every writer of the read model and locked until its commit, so
 * the events of one agency's dossiers — every officer action records one — committed one after
 * another behind it: 2.7 ms of lock wait per event on average and up to 119 ms in a quick run of
 * bench (b) (pg_stat_statements, BENCHMARKS.md analysis (b)), on the Update's path. Now an agency
 * has up to `SHARDS` rows, one per `dossier id % SHARDS`: the events of one dossier still queue
 * (on its row, locked first anyway), those of two dossiers rarely do.
 *
 * Which shard a writer raises does not matter to the counter's meaning (the sum), only to how
 * often two writers meet. The agency's counter is the sum of its shards: every commit still raises it by one, a reader
 * sees it as of its snapshot, so the worklist's ETag (dossiers/worklist.ts) changes with every
 * change it could show, as before. The notification's `version` is the writer's view of that
 * sum (its own shard after the raise, the others as committed): two concurrent writers may
 * announce the same number; the counter after both is still one up per change.
 *
 * The statement is replaced in `record_dossier_event` as the database holds it
 * (`pg_get_functiondef`, as migration 20261208000001 does), checked to be found exactly once;
 * db/repositories/dossier-changes.ts `noteDossierChange` runs the same statement.
 */
export const CHANGE_COUNTER_SHARDS = 16;

const SINGLE = `    insert into dossier_change_versions as v (agency_id, version)
    select agency_id, 1 from d
    on conflict (agency_id) do update set version = v.version + 1, changed_at = now()
    returning agency_id, version
  )
  select count(pg_notify('dossier_changes', json_build_object('code', d.code, 'agency', d.eid, 'agencyId', d.agency_id, 'status', d.status, 'step', d.current_step, 'version', v.version)::text))
`;
const SHARDED = `    insert into dossier_change_versions as v (agency_id, shard, version)
    select agency_id, (v_id % ${CHANGE_COUNTER_SHARDS})::smallint, 1 from d
    on conflict (agency_id, shard) do update set version = v.version + 1, changed_at = now()
    returning agency_id, shard, version
  )
  select count(pg_notify('dossier_changes', json_build_object('code', d.code, 'agency', d.eid, 'agencyId', d.agency_id, 'status', d.status, 'step', d.current_step,
                'version', v.version + (select coalesce(sum(o.version), 0) from dossier_change_versions o where o.agency_id = v.agency_id and o.shard <> v.shard))::text))
`;

/** Replaces `from` with `to` in record_dossier_event, which must hold `from` exactly once. */
export async function replaceInFunction(knex: Knex, from: string, to: string): Promise<void> {
  const { rows } = await knex.raw(`select pg_get_functiondef('record_dossier_event(jsonb)'::regprocedure) as def`);
  const def = rows[0].def as string;
  const at = def.indexOf(from);
  if (at < 0 || def.indexOf(from, at + 1) >= 0) throw new Error(`record_dossier_event: expected exactly one ${JSON.stringify(from.slice(0, 60))}`);
  await knex.raw(def.slice(0, at) + to + def.slice(at + from.length));
}

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
alter table dossier_change_versions add column shard smallint not null default 0;
alter table dossier_change_versions drop constraint dossier_change_versions_pkey;
alter table dossier_change_versions add primary key (agency_id, shard);
`);
  await replaceInFunction(knex, SINGLE, SHARDED);
}

export async function down(knex: Knex): Promise<void> {
  await replaceInFunction(knex, SHARDED, SINGLE);
  await knex.raw(`
create temporary table change_totals as
  select agency_id, sum(version)::bigint as version, max(changed_at) as changed_at from dossier_change_versions group by agency_id;
delete from dossier_change_versions;
alter table dossier_change_versions drop constraint dossier_change_versions_pkey;
alter table dossier_change_versions drop column shard;
alter table dossier_change_versions add primary key (agency_id);
insert into dossier_change_versions (agency_id, version, changed_at) select agency_id, version, changed_at from change_totals;
drop table change_totals;
`);
}
