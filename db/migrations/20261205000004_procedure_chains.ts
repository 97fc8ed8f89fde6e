import type { Knex } from 'knex';

/**
 * Inter-agency chains, ND 297/2025 (issue 17): a chain of procedures of several agencies run
 * one after another on one submission (procedure_chains, seeded data), each submission of one
 * (dossier_chains: its lookup code is the first stage's dossier code, its total due date, its
 * outcome), and each stage's dossier marked with its chain and stage.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('procedure_chains', (t) => {
    t.increments('id').primary();
    t.text('code').notNullable().unique();
    t.text('name').notNullable();
    t.text('basis').notNullable();
    // { unit, value } as StepBudget (domain/internal-procedure.ts)
    t.jsonb('total_limit').notNullable();
    // [{ procedureCode, agencyEid, limit }]
    t.jsonb('stages').notNullable();
    t.boolean('active').notNullable().defaultTo(true);
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.schema.createTable('dossier_chains', (t) => {
    t.bigIncrements('id').primary();
    t.text('chain_code').notNullable().references('code').inTable('procedure_chains');
    // The citizen's one lookup code: the first stage's dossier code.
    t.text('code').notNullable().unique();
    t.text('workflow_id').notNullable().unique();
    t.text('applicant_id_number').notNullable();
    t.text('applicant_full_name').notNullable();
    // How the last stage's result reaches the citizen (the stages before it deliver online, to the next agency).
    t.text('delivery_method').notNullable();
    // The citizen's documents for the stages after the first, each with its stage: [{ name, fileId?, checklistItem?, stage }].
    t.jsonb('documents').notNullable().defaultTo('[]');
    // IN_PROGRESS, COMPLETED, or STOPPED (a stage refused, denied, withdrawn, cancelled or closed).
    t.text('status').notNullable().defaultTo('IN_PROGRESS');
    t.integer('current_stage').notNullable().defaultTo(1);
    // The status a stopped chain's stage ended with, and that stage.
    t.text('stop_status');
    t.integer('stop_stage');
    t.timestamp('submitted_at', { useTz: true }).notNullable();
    // The first stage's receipt, and the whole chain's due date from it (lead agency's calendar).
    t.timestamp('received_at', { useTz: true });
    t.timestamp('due_at', { useTz: true });
    t.timestamp('completed_at', { useTz: true });
    t.boolean('on_time');
    // The first stage completed after its own due date: the agency at fault for the chain's delay.
    t.integer('late_stage');
    t.text('late_agency_eid');
    t.timestamp('workflow_started_at', { useTz: true });
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.raw('create index dossier_chains_applicant on dossier_chains (applicant_id_number)');
  await knex.schema.alterTable('dossiers', (t) => {
    t.bigInteger('chain_id').references('id').inTable('dossier_chains');
    t.integer('chain_stage');
  });
  await knex.raw('create unique index dossiers_chain_stage_unique on dossiers (chain_id, chain_stage) where chain_id is not null');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index if exists dossiers_chain_stage_unique');
  await knex.schema.alterTable('dossiers', (t) => {
    t.dropColumn('chain_stage');
    t.dropColumn('chain_id');
  });
  await knex.schema.dropTableIfExists('dossier_chains');
  await knex.schema.dropTableIfExists('procedure_chains');
}
