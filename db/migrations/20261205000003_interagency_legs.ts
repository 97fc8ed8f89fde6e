import type { Knex } from 'knex';

/**
 * Inter-agency legs and consultations (issue 17): one row per child workflow (its status, its
 * current step, its assignee and deadline, as it last reported them) and its own event log; the
 * lead dossier's process-control sheet holds the leg's hand-offs (dossier_handoffs.leg_workflow_id).
 * Officer alerts gain the leg kinds and a key of their own (a leg alert has no dossier event seq).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('dossier_legs', (t) => {
    t.bigIncrements('id');
    t.bigInteger('dossier_id').notNullable().references('dossiers.id').onDelete('CASCADE');
    t.text('workflow_id').notNullable().unique();
    t.text('kind').notNullable();
    t.text('agency_eid').notNullable();
    t.text('step_key').notNullable();
    t.text('status').notNullable();
    t.text('question');
    t.text('opinion');
    t.boolean('agrees');
    t.jsonb('reasons');
    t.text('result_number');
    t.timestamp('started_at', { useTz: true }).notNullable();
    t.timestamp('due_at', { useTz: true });
    t.timestamp('finished_at', { useTz: true });
    t.boolean('late').notNullable().defaultTo(false);
    t.jsonb('route_step');
    t.integer('assignee_id').references('users.id');
    t.timestamp('chased_at', { useTz: true });
    t.integer('last_seq').notNullable().defaultTo(0);
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['dossier_id']);
  });
  await knex.raw(`alter table dossier_legs add constraint dossier_legs_kind_check check (kind in ('leg', 'consultation'))`);
  await knex.raw(
    `alter table dossier_legs add constraint dossier_legs_status_check check (status in ('open', 'result', 'denied', 'refused', 'answered', 'unanswered', 'cancelled'))`,
  );
  // The agency's worklist: its open legs by due time; a specialist's load.
  await knex.raw(`create index dossier_legs_agency_open on dossier_legs (agency_eid, due_at) where status = 'open'`);
  await knex.raw(`create index dossier_legs_assignee_open on dossier_legs (assignee_id) where status = 'open'`);

  await knex.schema.createTable('dossier_leg_events', (t) => {
    t.bigIncrements('id');
    t.bigInteger('leg_id').notNullable().references('dossier_legs.id').onDelete('CASCADE');
    t.integer('seq').notNullable();
    t.text('type').notNullable();
    t.integer('actor_id').references('users.id');
    t.text('actor_role');
    t.timestamp('occurred_at', { useTz: true }).notNullable();
    t.jsonb('data').notNullable().defaultTo('{}');
    t.unique(['leg_id', 'seq']);
  });

  for (const kind of ['leg_received', 'leg_chased', 'consultation_requested', 'leg_overdue']) {
    await knex.raw(`alter type alert_kind add value if not exists '${kind}'`);
  }
  await knex.schema.alterTable('officer_alerts', (t) => {
    t.text('alert_key');
    t.text('leg_workflow_id');
  });
  await knex.raw('alter table officer_alerts alter column seq drop not null');
  await knex.raw('create unique index officer_alerts_key_user on officer_alerts (alert_key, user_id) where alert_key is not null');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index if exists officer_alerts_key_user');
  await knex('officer_alerts').whereNull('seq').delete();
  await knex.raw('alter table officer_alerts alter column seq set not null');
  await knex.schema.alterTable('officer_alerts', (t) => {
    t.dropColumn('alert_key');
    t.dropColumn('leg_workflow_id');
  });
  // PostgreSQL cannot drop enum values: the leg kinds stay in alert_kind, unused.
  await knex.schema.dropTableIfExists('dossier_leg_events');
  await knex.schema.dropTableIfExists('dossier_legs');
}
