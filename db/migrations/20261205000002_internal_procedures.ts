import type { Knex } from 'knex';

/**
 * Internal procedure versions (quy trình nội bộ, issue 17): per procedure, numbered versions
 * of its steps and consultations (domain/internal-procedure.ts). A draft may be edited; a
 * published version never changes (the trigger refuses it, whoever writes), and is in force
 * from `effective_from`: a dossier pins the version in force at its receipt
 * (`dossiers.procedure_version`). A procedure without any row runs the default path derived
 * from its step budgets (version 0).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('internal_procedure_versions', (t) => {
    t.increments('id');
    t.integer('procedure_id').notNullable().references('procedures.id').onDelete('CASCADE');
    t.integer('version').notNullable();
    t.text('status').notNullable().defaultTo('draft');
    t.text('title').notNullable();
    t.text('basis').notNullable();
    // { steps: ProcedureStep[], consultations: ConsultationRule[] }
    t.jsonb('document').notNullable();
    // Today's fixed path derived from the procedure's step budgets.
    t.boolean('is_default').notNullable().defaultTo(false);
    t.timestamp('effective_from', { useTz: true });
    t.integer('created_by').references('users.id');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.integer('published_by').references('users.id');
    t.timestamp('published_at', { useTz: true });
    t.unique(['procedure_id', 'version']);
  });
  await knex.raw(`alter table internal_procedure_versions add constraint internal_procedure_versions_status check (status in ('draft', 'published'))`);
  await knex.raw(`alter table internal_procedure_versions add constraint internal_procedure_versions_version check (version >= 1)`);
  await knex.raw(
    `alter table internal_procedure_versions add constraint internal_procedure_versions_published_effective check (status = 'draft' or (effective_from is not null and published_at is not null))`,
  );
  // The version in force: the latest published one whose effective_from has come.
  await knex.raw(`create index internal_procedure_versions_in_force on internal_procedure_versions (procedure_id, effective_from desc, version desc) where status = 'published'`);
  await knex.raw(`
    create function internal_procedure_version_is_immutable() returns trigger language plpgsql as $$
    begin
      if old.status = 'published' then
        raise exception 'internal procedure version % of procedure % is published and cannot change', old.version, old.procedure_id
          using errcode = 'P0001', hint = 'publish a new version instead';
      end if;
      return new;
    end $$`);
  await knex.raw(
    `create trigger internal_procedure_versions_immutable before update on internal_procedure_versions for each row execute function internal_procedure_version_is_immutable()`,
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop trigger if exists internal_procedure_versions_immutable on internal_procedure_versions');
  await knex.raw('drop function if exists internal_procedure_version_is_immutable()');
  await knex.schema.dropTableIfExists('internal_procedure_versions');
}
