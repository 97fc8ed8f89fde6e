import type { Knex } from 'knex';

/**
 * Platform schema: agencies and officers, the working calendar, the procedure
 * catalogue, dossier codes, the dossier read model and its event log.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('work_calendars', (t) => {
    t.increments('id');
    t.text('code').notNullable();
    t.integer('version').notNullable();
    t.text('name').notNullable();
    t.integer('utc_offset_minutes').notNullable().defaultTo(420);
    t.jsonb('weekly_hours').notNullable();
    t.date('coverage_from').notNullable();
    t.date('coverage_to').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['code', 'version']);
  });

  await knex.schema.createTable('work_calendar_days', (t) => {
    t.integer('calendar_id').notNullable().references('work_calendars.id').onDelete('CASCADE');
    t.date('day').notNullable();
    t.enu('kind', ['day_off', 'working_day'], { useNative: true, enumName: 'calendar_day_kind' }).notNullable();
    t.text('name').notNullable();
    t.boolean('provisional').notNullable().defaultTo(false);
    t.primary(['calendar_id', 'day']);
  });

  await knex.schema.createTable('agencies', (t) => {
    t.increments('id');
    // Electronic identifier code (mã định danh điện tử, QĐ 20/2020/QĐ-TTg); prefix of dossier codes.
    t.text('eid').notNullable().unique();
    t.text('name').notNullable();
    t.enu('level', ['province', 'department', 'commune'], { useNative: true, enumName: 'agency_level' }).notNullable();
    t.integer('parent_id').references('agencies.id');
    t.integer('calendar_id').notNullable().references('work_calendars.id');
    t.text('address');
    t.text('phone');
  });

  await knex.schema.createTable('users', (t) => {
    t.increments('id');
    t.text('username').notNullable().unique();
    t.text('full_name').notNullable();
    t.text('email');
    t.text('phone');
    t.boolean('active').notNullable().defaultTo(true);
  });

  await knex.schema.createTable('user_roles', (t) => {
    t.integer('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.integer('agency_id').notNullable().references('agencies.id').onDelete('CASCADE');
    t.enu('role', ['one_stop_officer', 'specialist', 'leader', 'supervisor', 'admin'], {
      useNative: true,
      enumName: 'officer_role',
    }).notNullable();
    t.primary(['user_id', 'agency_id', 'role']);
  });

  await knex.schema.createTable('procedures', (t) => {
    t.increments('id');
    t.text('code').notNullable().unique();
    // Code in the national TTHC database (e.g. 1.004222), when known.
    t.text('national_code');
    t.text('name').notNullable();
    t.text('field').notNullable(); // lĩnh vực
    t.text('legal_basis').notNullable();
    // { unit, value, counting?, cutoff? } as in domain/calendar.ts TimeLimit
    t.jsonb('time_limit').notNullable();
    t.enu('online_level', ['full', 'partial'], { useNative: true, enumName: 'online_level' }).notNullable();
    t.boolean('on_site_verification').notNullable();
    t.boolean('result_is_document').notNullable().defaultTo(true);
    t.enu('fee_timing', ['none', 'at_submission', 'before_processing', 'at_result'], {
      useNative: true,
      enumName: 'fee_timing',
    }).notNullable();
    t.enu('clock_policy', ['PAUSE', 'RESTART', 'CONTINUE'], { useNative: true, enumName: 'clock_policy' })
      .notNullable()
      .defaultTo('PAUSE');
    t.text('result_name').notNullable();
    t.text('notes');
    t.boolean('active').notNullable().defaultTo(true);
  });

  await knex.schema.createTable('procedure_fees', (t) => {
    t.integer('procedure_id').notNullable().references('procedures.id').onDelete('CASCADE');
    t.enu('channel', ['counter', 'online', 'postal'], { useNative: true, enumName: 'submission_channel' }).notNullable();
    t.text('fee_name').notNullable();
    t.bigInteger('amount_vnd').notNullable();
    t.text('note');
    t.primary(['procedure_id', 'channel', 'fee_name']);
  });

  await knex.schema.createTable('procedure_documents', (t) => {
    t.integer('procedure_id').notNullable().references('procedures.id').onDelete('CASCADE');
    t.integer('position').notNullable();
    t.text('name').notNullable();
    t.boolean('required').notNullable().defaultTo(true);
    t.integer('copies').notNullable().defaultTo(1);
    t.primary(['procedure_id', 'position']);
  });

  await knex.schema.createTable('procedure_agencies', (t) => {
    t.integer('procedure_id').notNullable().references('procedures.id').onDelete('CASCADE');
    t.integer('agency_id').notNullable().references('agencies.id').onDelete('CASCADE');
    t.primary(['procedure_id', 'agency_id']);
  });

  // One row per agency and day; the counter only ever goes up, so a code is never reused.
  await knex.schema.createTable('dossier_code_sequences', (t) => {
    t.integer('agency_id').notNullable().references('agencies.id');
    t.date('day').notNullable();
    t.integer('last_value').notNullable();
    t.primary(['agency_id', 'day']);
  });

  await knex.schema.createTable('dossiers', (t) => {
    t.bigIncrements('id');
    t.text('code').notNullable().unique();
    t.text('workflow_id').notNullable().unique();
    t.integer('procedure_id').notNullable().references('procedures.id');
    t.integer('agency_id').notNullable().references('agencies.id');
    t.enu('channel', null, { useNative: true, existingType: true, enumName: 'submission_channel' }).notNullable();
    t.enu('delivery_method', ['online', 'counter', 'postal'], { useNative: true, enumName: 'delivery_method' }).notNullable();
    t.text('status').notNullable();
    t.text('applicant_full_name').notNullable();
    t.text('applicant_id_number').notNullable();
    t.text('applicant_phone');
    t.text('applicant_email');
    t.text('applicant_address');
    // Where the post brings the result: { line, ward, province } (only for postal delivery).
    t.jsonb('postal_address');
    t.jsonb('documents').notNullable().defaultTo('[]');
    t.timestamp('submitted_at', { useTz: true }).notNullable();
    t.timestamp('received_at', { useTz: true });
    t.timestamp('appointment_at', { useTz: true });
    t.text('calendar_code');
    t.integer('calendar_version');
    t.integer('assignee_id').references('users.id');
    t.integer('received_by').references('users.id');
    t.integer('decided_by').references('users.id');
    t.timestamp('decided_at', { useTz: true });
    t.text('result_number');
    t.timestamp('result_delivered_at', { useTz: true });
    t.timestamp('completed_at', { useTz: true });
    t.timestamp('workflow_started_at', { useTz: true });
    // What the citizen must do now (supplement list and deadline), shown on the lookup.
    t.jsonb('pending_action');
    // Grounds of a refusal, denial, withdrawal or stop, as the citizen reads them.
    t.text('closing_reason');
    // Fee (phí, lệ phí) for this procedure and channel, fixed when processing starts.
    t.bigInteger('fee_due_vnd');
    t.text('fee_timing');
    t.enu('fee_status', ['none', 'unpaid', 'paid'], { useNative: true, enumName: 'fee_status' });
    // Sequence of the last workflow event projected here: older projections never overwrite newer ones.
    t.integer('projection_seq').notNullable().defaultTo(0);
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['agency_id', 'status']);
    t.index(['assignee_id', 'status']);
    t.index(['applicant_id_number']);
  });

  await knex.schema.createTable('dossier_events', (t) => {
    t.bigIncrements('id');
    t.bigInteger('dossier_id').notNullable().references('dossiers.id').onDelete('CASCADE');
    t.integer('seq').notNullable();
    t.text('type').notNullable();
    t.text('from_status');
    t.text('to_status');
    t.integer('actor_id').references('users.id');
    t.text('actor_role');
    t.timestamp('occurred_at', { useTz: true }).notNullable();
    t.boolean('is_public').notNullable().defaultTo(true);
    t.jsonb('data').notNullable().defaultTo('{}');
    t.timestamp('recorded_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    // The workflow numbers its events; a retried activity cannot write one twice.
    t.unique(['dossier_id', 'seq']);
  });

  // Process-control sheet (phiếu kiểm soát quá trình): one row per hand-off of the dossier.
  await knex.schema.createTable('dossier_handoffs', (t) => {
    t.bigIncrements('id');
    t.bigInteger('dossier_id').notNullable().references('dossiers.id').onDelete('CASCADE');
    t.integer('opened_seq').notNullable();
    t.integer('closed_seq');
    t.text('step').notNullable();
    t.integer('giver_id').references('users.id');
    t.text('giver_unit').notNullable();
    t.integer('receiver_id').references('users.id');
    t.text('receiver_unit').notNullable();
    t.timestamp('received_at', { useTz: true }).notNullable();
    t.timestamp('due_at', { useTz: true });
    t.timestamp('done_at', { useTz: true });
    t.enu('outcome', ['early', 'on_time', 'late'], { useNative: true, enumName: 'handoff_outcome' });
    t.unique(['dossier_id', 'opened_seq']);
    t.index(['receiver_id', 'done_at']);
  });

  await knex.schema.createTable('idempotency_keys', (t) => {
    t.text('scope').notNullable();
    t.text('key').notNullable();
    t.text('request_hash').notNullable();
    t.bigInteger('dossier_id').references('dossiers.id').onDelete('CASCADE');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['scope', 'key']);
  });

  await knex.schema.createTable('result_number_sequences', (t) => {
    t.integer('agency_id').notNullable().references('agencies.id');
    t.integer('year').notNullable();
    t.integer('last_value').notNullable();
    t.primary(['agency_id', 'year']);
  });

  await knex.schema.createTable('dossier_results', (t) => {
    t.bigIncrements('id');
    t.bigInteger('dossier_id').notNullable().unique().references('dossiers.id').onDelete('CASCADE');
    t.text('number').notNullable().unique(); // số văn bản kết quả
    // A result document, the reasoned notice that the dossier does not qualify, or the stop notice.
    t.enu('kind', ['result', 'denial_notice', 'stop_notice'], { useNative: true, enumName: 'result_kind' }).notNullable().defaultTo('result');
    t.text('title').notNullable();
    // Null for a stop notice the system publishes on the citizen's own online request.
    t.integer('signer_id').references('users.id');
    t.timestamp('issued_at', { useTz: true }).notNullable();
  });

  // Results sent by the public postal service (QĐ 45/2016/QĐ-TTg), one shipment per dossier.
  await knex.schema.createTable('dossier_shipments', (t) => {
    t.uuid('id').primary();
    t.bigInteger('dossier_id').notNullable().unique().references('dossiers.id').onDelete('CASCADE');
    t.text('provider').notNullable();
    t.text('tracking_number').unique();
    t.text('status').notNullable();
    t.bigInteger('fee_vnd');
    t.text('received_by');
    t.text('return_reason');
    t.jsonb('events').notNullable().defaultTo('[]');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });

  // E-receipt numbers (biên lai điện tử): a yearly series per agency, restarting at 1 each 1 January.
  await knex.schema.createTable('receipt_number_sequences', (t) => {
    t.integer('agency_id').notNullable().references('agencies.id');
    t.integer('year').notNullable();
    t.integer('last_value').notNullable();
    t.primary(['agency_id', 'year']);
  });

  await knex.schema.createTable('dossier_payments', (t) => {
    t.uuid('id').primary();
    t.bigInteger('dossier_id').notNullable().references('dossiers.id').onDelete('CASCADE');
    t.bigInteger('amount_vnd').notNullable();
    t.enu('method', ['online', 'cash', 'transfer'], { useNative: true, enumName: 'payment_method' }).notNullable();
    t.enu('status', ['pending', 'paid', 'failed', 'expired'], { useNative: true, enumName: 'payment_status' }).notNullable();
    t.text('provider');
    t.text('provider_ref').unique();
    t.text('payment_url');
    t.timestamp('expires_at', { useTz: true });
    t.timestamp('paid_at', { useTz: true });
    t.text('bank_transaction_no');
    t.text('reference'); // transfer reference or cash note entered by the officer
    // The receipt's series and number belong to the issuing agency's own yearly sequence.
    t.integer('receipt_agency_id').references('agencies.id');
    t.text('receipt_series');
    t.integer('receipt_number');
    t.text('receipt_code');
    t.unique(['receipt_agency_id', 'receipt_series', 'receipt_number']);
    t.integer('recorded_by').references('users.id');
    t.timestamp('workflow_acknowledged_at', { useTz: true });
    // Why the dossier could not take the payment (it had ended): a refund case for the officers.
    t.text('workflow_refusal');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['dossier_id', 'status']);
  });
  // A dossier's fee is paid once: a second paid row cannot exist.
  await knex.raw("create unique index dossier_payments_one_paid on dossier_payments (dossier_id) where status = 'paid'");

  // Transactional outbox: what the citizen must be told, written with the workflow's event
  // so that Redis being down never blocks an officer's action; a relay feeds BullMQ.
  await knex.schema.createTable('notification_outbox', (t) => {
    t.bigIncrements('id');
    t.text('job_key').notNullable().unique();
    t.bigInteger('dossier_id').notNullable().references('dossiers.id').onDelete('CASCADE');
    t.text('template').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('enqueued_at', { useTz: true });
    t.index(['enqueued_at', 'id']);
  });

  await knex.schema.createTable('notifications', (t) => {
    t.bigIncrements('id');
    // Outbox job key: claimed before sending, so a redelivered job sends nothing twice.
    t.text('job_id').notNullable().unique();
    t.bigInteger('dossier_id').references('dossiers.id').onDelete('CASCADE');
    t.text('channel').notNullable();
    t.text('recipient').notNullable();
    t.text('template').notNullable();
    t.text('body').notNullable();
    t.enu('status', ['sending', 'sent', 'failed'], { useNative: true, enumName: 'notification_status' }).notNullable();
    t.text('provider_message_id');
    t.text('error');
    t.timestamp('claimed_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('sent_at', { useTz: true });
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of [
    'notifications',
    'notification_outbox',
    'dossier_shipments',
    'dossier_payments',
    'receipt_number_sequences',
    'dossier_results',
    'result_number_sequences',
    'idempotency_keys',
    'dossier_handoffs',
    'dossier_events',
    'dossiers',
    'dossier_code_sequences',
    'procedure_agencies',
    'procedure_documents',
    'procedure_fees',
    'procedures',
    'user_roles',
    'users',
    'agencies',
    'work_calendar_days',
    'work_calendars',
  ]) {
    await knex.schema.dropTableIfExists(table);
  }
  for (const type of [
    'notification_status',
    'payment_status',
    'payment_method',
    'fee_status',
    'handoff_outcome',
    'result_kind',
    'delivery_method',
    'clock_policy',
    'fee_timing',
    'online_level',
    'submission_channel',
    'officer_role',
    'agency_level',
    'calendar_day_kind',
  ]) {
    await knex.raw(`drop type if exists ${type}`);
  }
}
