import type { Knex } from 'knex';

/**
 * The staff worklist (GET /api/v1/dossiers, db/repositories/worklists.ts):
 *
 * - `search_text`: the dossier code, the applicant's ID number and name, folded for a search
 *   that ignores case and diacritics ("nguyen van an" finds "Nguyễn Văn An", đ/Đ read as d) by
 *   `dossier_search_fold` (lower(unaccent(…)), spaces collapsed), an immutable wrapper of the
 *   `unaccent` extension (its two-argument form, dictionary named, so the result depends on its
 *   input only). The fields are joined by U+001F, a control character no query can hold
 *   (refused at the door), so a phrase never matches across two fields. A trigger keeps it, so
 *   every writer of the read model keeps it right without knowing of it (not a generated
 *   column: code that copies a whole row into an insert, as tests and tools do, would be
 *   refused; the trigger overwrites what it is given). A trigram index (`pg_trgm`) serves the
 *   `like '%…%'` of the search. Both extensions ship with PostgreSQL (contrib) and are
 *   trusted: the database owner may create them.
 * - `current_step`: the step of the open row of the process-control sheet (the hand-off the
 *   dossier waits in), kept by recordDossierEvent with the sheet, filled here from the sheet.
 * - Indexes for the common filters and sorts, per agency: status exists already
 *   (agency_id, status), as does the assignee's (assignee_id, status).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('create extension if not exists unaccent');
  await knex.raw('create extension if not exists pg_trgm');
  const { rows } = await knex.raw(`select extnamespace::regnamespace::text as schema from pg_extension where extname = 'unaccent'`);
  const schema = rows[0].schema as string;
  await knex.raw(`create or replace function dossier_search_fold(value text) returns text
    language sql immutable parallel safe strict
    as $$ select regexp_replace(lower(${schema}.unaccent('${schema}.unaccent'::regdictionary, value)), '\\s+', ' ', 'g') $$`);
  await knex.raw('alter table dossiers add column search_text text');
  await knex.raw(`create or replace function dossiers_fold_search_text() returns trigger language plpgsql as $$
    begin
      new.search_text := dossier_search_fold(new.code || E'\\x1f' || new.applicant_id_number || E'\\x1f' || new.applicant_full_name);
      return new;
    end $$`);
  await knex.raw(`create trigger dossiers_search_text before insert or update of code, applicant_id_number, applicant_full_name, search_text
    on dossiers for each row execute function dossiers_fold_search_text()`);
  await knex.raw(`update dossiers set search_text = dossier_search_fold(code || E'\\x1f' || applicant_id_number || E'\\x1f' || applicant_full_name)`);
  await knex.raw(`create index dossiers_search_text_trgm_index on dossiers using gin (search_text gin_trgm_ops)`);

  await knex.schema.alterTable('dossiers', (t) => {
    t.text('current_step');
  });
  await knex.raw(`update dossiers d set current_step = h.step
                    from (select distinct on (dossier_id) dossier_id, step from dossier_handoffs
                           where done_at is null order by dossier_id, opened_seq desc) h
                   where h.dossier_id = d.id`);
  await knex.raw('create index dossiers_agency_step_index on dossiers (agency_id, current_step)');
  await knex.raw('create index dossiers_agency_procedure_index on dossiers (agency_id, procedure_id)');
  await knex.raw('create index dossiers_agency_received_index on dossiers (agency_id, received_at, id)');
  await knex.raw('create index dossiers_agency_submitted_index on dossiers (agency_id, submitted_at, id)');
  await knex.raw('create index dossiers_agency_due_index on dossiers (agency_id, (coalesce(due_at, appointment_at)), id)');
  await knex.raw('analyze dossiers');
}

export async function down(knex: Knex): Promise<void> {
  for (const index of ['dossiers_agency_due_index', 'dossiers_agency_submitted_index', 'dossiers_agency_received_index', 'dossiers_agency_procedure_index', 'dossiers_agency_step_index', 'dossiers_search_text_trgm_index']) {
    await knex.raw(`drop index if exists ${index}`);
  }
  await knex.raw('drop trigger if exists dossiers_search_text on dossiers');
  await knex.schema.alterTable('dossiers', (t) => {
    t.dropColumns('current_step', 'search_text');
  });
  await knex.raw('drop function if exists dossiers_fold_search_text()');
  await knex.raw('drop function if exists dossier_search_fold(text)');
  // The extensions stay: other databases' objects may use them, and they hold no data.
}
