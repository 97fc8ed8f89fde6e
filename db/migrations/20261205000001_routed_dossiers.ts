import type { Knex } from 'knex';

/**
 * Internal procedures as data (issue 17): the version a dossier pinned at receipt, the step
 * of it the dossier is at (with who holds it), and the agency whose delay made it late; on the
 * process-control sheet, the step of the version each row is, and the agency and inter-agency
 * leg it belongs to when not the dossier's own agency.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('dossiers', (t) => {
    t.integer('procedure_version');
    // current_step (text) already holds the open hand-off's step for the worklist filter; this is the pinned version's step.
    t.jsonb('route_step');
    t.text('fault_agency_eid');
  });
  await knex.schema.alterTable('dossier_handoffs', (t) => {
    t.text('step_key');
    t.text('step_name');
    t.text('agency_eid');
    // The leg's child workflow ID: its rows are numbered by the leg's own sequence.
    t.text('leg_workflow_id');
  });
  await knex.raw('alter table dossier_handoffs drop constraint dossier_handoffs_dossier_id_opened_seq_unique');
  await knex.raw(`create unique index dossier_handoffs_dossier_leg_seq_unique on dossier_handoffs (dossier_id, coalesce(leg_workflow_id, ''), opened_seq)`);
  await knex.raw(`create index dossier_handoffs_agency_step on dossier_handoffs (agency_eid, step_key) where step_key is not null`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index if exists dossier_handoffs_agency_step');
  await knex.raw('drop index if exists dossier_handoffs_dossier_leg_seq_unique');
  await knex('dossier_handoffs').whereNotNull('leg_workflow_id').delete();
  await knex.raw('alter table dossier_handoffs add constraint dossier_handoffs_dossier_id_opened_seq_unique unique (dossier_id, opened_seq)');
  await knex.schema.alterTable('dossier_handoffs', (t) => {
    for (const c of ['step_key', 'step_name', 'agency_eid', 'leg_workflow_id']) t.dropColumn(c);
  });
  await knex.schema.alterTable('dossiers', (t) => {
    for (const c of ['procedure_version', 'route_step', 'fault_agency_eid']) t.dropColumn(c);
  });
}
