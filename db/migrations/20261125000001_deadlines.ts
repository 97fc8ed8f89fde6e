import type { Knex } from 'knex';

/**
 * Legal deadlines (issue 4): versioned calendars with agency overrides, step budgets and
 * warning/escalation settings per procedure, the clock ledger of each dossier, officers'
 * deadline alerts, and the log of explicit recomputations after a calendar change.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('work_calendars', (t) => {
    // An agency calendar lays its own days over a pinned version of a base calendar
    // (VN-STATE): a new base version yields new versions of the calendars built on it.
    t.text('base_code');
    t.integer('base_version');
    t.integer('created_by').references('users.id');
    t.text('change_reason');
  });

  await knex.schema.alterTable('procedures', (t) => {
    // Working hours per step of the internal process (quy trình nội bộ); absent steps
    // are only capped by the dossier's due date.
    t.jsonb('step_budgets');
    // Warn the assignee and supervisors this much working time before the due date.
    t.decimal('warn_before_hours', 10, 4).notNullable().defaultTo(8);
    // Escalate again after every this much working time past the due date.
    t.decimal('escalate_every_hours', 10, 4).notNullable().defaultTo(8);
  });

  await knex.schema.alterTable('dossiers', (t) => {
    // Legal due date derived from the clock ledger; statistics compare with it. The
    // citizen-facing appointment_at equals it unless an apology set a new appointment.
    t.timestamp('due_at', { useTz: true });
    // running | paused | at_risk | overdue | stopped (no clock after the decision)
    t.text('deadline_state');
    t.timestamp('clock_paused_at', { useTz: true });
    t.timestamp('apology_issued_at', { useTz: true });
    t.integer('escalation_level').notNullable().defaultTo(0);
    // Supplement requests after acceptance: more than one makes the dossier late (QĐ 766).
    t.integer('supplement_requests').notNullable().defaultTo(0);
    t.index(['agency_id', 'due_at']);
  });

  // Sổ theo dõi thời hạn: every segment of the clock, with who, why and on what legal basis.
  await knex.schema.createTable('dossier_clock_entries', (t) => {
    t.bigIncrements('id');
    t.bigInteger('dossier_id').notNullable().references('dossiers.id').onDelete('CASCADE');
    t.integer('seq').notNullable(); // the dossier event that wrote it
    t.enu('kind', ['start', 'pause', 'resume', 'extension', 'reappointment', 'rebase'], {
      useNative: true,
      enumName: 'clock_entry_kind',
    }).notNullable();
    t.timestamp('at', { useTz: true }).notNullable();
    t.text('reason');
    t.text('legal_basis');
    t.integer('actor_id').references('users.id');
    t.jsonb('data').notNullable().defaultTo('{}');
    t.unique(['dossier_id', 'seq', 'kind']);
  });

  await knex.schema.createTable('officer_alerts', (t) => {
    t.bigIncrements('id');
    t.bigInteger('dossier_id').notNullable().references('dossiers.id').onDelete('CASCADE');
    t.integer('seq').notNullable();
    t.integer('user_id').notNullable().references('users.id');
    t.enu('kind', ['at_risk', 'overdue', 'escalation'], { useNative: true, enumName: 'alert_kind' }).notNullable();
    t.integer('level').notNullable().defaultTo(0);
    t.text('message').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('read_at', { useTz: true });
    t.unique(['dossier_id', 'seq', 'user_id']);
    t.index(['user_id', 'read_at']);
  });

  // A calendar change never moves printed dates by itself: this is the explicit, logged decision.
  await knex.schema.createTable('calendar_recomputations', (t) => {
    t.bigIncrements('id');
    t.text('calendar_code').notNullable();
    t.integer('to_version').notNullable();
    t.integer('requested_by').notNullable().references('users.id');
    t.text('reason').notNullable();
    // [{ code, fromVersion, oldDueAt, newDueAt, applied, error? }]
    t.jsonb('dossiers').notNullable().defaultTo('[]');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('finished_at', { useTz: true });
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('calendar_recomputations');
  await knex.schema.dropTableIfExists('officer_alerts');
  await knex.schema.dropTableIfExists('dossier_clock_entries');
  await knex.raw('drop type if exists alert_kind');
  await knex.raw('drop type if exists clock_entry_kind');
  await knex.schema.alterTable('dossiers', (t) => {
    t.dropIndex(['agency_id', 'due_at']);
    for (const c of ['due_at', 'deadline_state', 'clock_paused_at', 'apology_issued_at', 'escalation_level', 'supplement_requests']) t.dropColumn(c);
  });
  await knex.schema.alterTable('procedures', (t) => {
    for (const c of ['step_budgets', 'warn_before_hours', 'escalate_every_hours']) t.dropColumn(c);
  });
  await knex.schema.alterTable('work_calendars', (t) => {
    for (const c of ['base_code', 'base_version', 'created_by', 'change_reason']) t.dropColumn(c);
  });
}
