import type { Knex } from 'knex';

/**
 * A complete and safe API (issue 5): documents in a blob store, an append-only audit log,
 * outbound webhooks with their delivery log, stored idempotent answers, and notifications
 * to officers as well as citizens over several channels.
 */
export async function up(knex: Knex): Promise<void> {
  // Files stay in the blob store; rows hold what was checked (type from the bytes, size, SHA-256).
  await knex.schema.createTable('documents', (t) => {
    t.uuid('id').primary();
    t.bigInteger('dossier_id').references('dossiers.id').onDelete('CASCADE');
    // Who may read it before it belongs to a dossier: the citizen who uploaded it, or an officer.
    t.text('owner_id_number');
    t.integer('uploaded_by').references('users.id');
    t.integer('agency_id').references('agencies.id');
    t.text('filename').notNullable();
    t.text('media_type').notNullable();
    t.bigInteger('size_bytes').notNullable();
    t.text('sha256').notNullable();
    t.text('storage_key').notNullable().unique();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['dossier_id']);
    t.index(['owner_id_number']);
  });

  // Nhật ký: who did what, in which role and agency, why, and the state before and after.
  await knex.schema.createTable('audit_log', (t) => {
    t.bigIncrements('id');
    t.timestamp('at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.enu('actor_kind', ['officer', 'citizen', 'system', 'integration'], { useNative: true, enumName: 'audit_actor_kind' }).notNullable();
    t.integer('actor_id').references('users.id');
    // A citizen's ID number is personal data: only its masked form is kept here.
    t.text('actor_label');
    t.text('actor_role');
    t.integer('agency_id').references('agencies.id');
    t.text('action').notNullable();
    t.bigInteger('dossier_id').references('dossiers.id');
    t.text('target');
    t.text('reason');
    t.jsonb('before');
    t.jsonb('after');
    t.text('request_id');
    t.index(['dossier_id', 'id']);
    t.index(['agency_id', 'at']);
  });
  // Append-only for everyone, the owner included: corrections are new rows, never edits.
  await knex.raw(`
    create function audit_log_is_append_only() returns trigger language plpgsql as $$
    begin
      raise exception 'audit_log is append-only: % is not allowed', tg_op using errcode = '42501';
    end $$;
  `);
  await knex.raw(`create trigger audit_log_append_only before update or delete on audit_log for each row execute function audit_log_is_append_only()`);
  await knex.raw(`create trigger audit_log_no_truncate before truncate on audit_log for each statement execute function audit_log_is_append_only()`);

  await knex.schema.createTable('webhook_subscriptions', (t) => {
    t.increments('id');
    t.text('name').notNullable();
    t.text('url').notNullable();
    t.text('secret').notNullable();
    // Event types to send ('*' for all); an agency limits it to that agency's dossiers.
    t.specificType('events', 'text[]').notNullable().defaultTo(knex.raw(`'{*}'::text[]`));
    t.integer('agency_id').references('agencies.id');
    t.boolean('active').notNullable().defaultTo(true);
    t.integer('created_by').references('users.id');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });

  await knex.schema.createTable('webhook_deliveries', (t) => {
    t.bigIncrements('id');
    t.integer('subscription_id').notNullable().references('webhook_subscriptions.id').onDelete('CASCADE');
    // The dossier event it reports (dossier id and seq): one delivery per subscriber and event.
    t.text('event_key').notNullable();
    t.text('event_type').notNullable();
    t.bigInteger('dossier_id').references('dossiers.id').onDelete('CASCADE');
    t.jsonb('payload').notNullable();
    t.enu('status', ['pending', 'delivered', 'failed', 'dead'], { useNative: true, enumName: 'webhook_delivery_status' }).notNullable().defaultTo('pending');
    t.integer('attempts').notNullable().defaultTo(0);
    t.integer('last_status_code');
    t.text('last_error');
    t.timestamp('enqueued_at', { useTz: true });
    t.timestamp('delivered_at', { useTz: true });
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['subscription_id', 'event_key']);
    t.index(['status', 'id']);
  });

  await knex.schema.createTable('webhook_delivery_attempts', (t) => {
    t.bigIncrements('id');
    t.bigInteger('delivery_id').notNullable().references('webhook_deliveries.id').onDelete('CASCADE');
    t.integer('attempt').notNullable();
    t.timestamp('at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.integer('status_code');
    t.text('error');
    t.integer('duration_ms');
  });

  // A retried POST returns the first answer: its status and body are kept with the key.
  await knex.schema.alterTable('idempotency_keys', (t) => {
    t.integer('response_status');
    t.jsonb('response_body');
  });

  // Officers are told too (deadline alerts), over e-mail, SMS or Zalo.
  await knex.schema.alterTable('notification_outbox', (t) => {
    t.integer('recipient_user_id').references('users.id');
    t.jsonb('payload').notNullable().defaultTo('{}');
  });
  await knex.schema.alterTable('notifications', (t) => {
    t.integer('recipient_user_id').references('users.id');
    t.integer('attempts').notNullable().defaultTo(0);
    t.timestamp('dead_lettered_at', { useTz: true });
  });
  await knex.raw('alter table notification_outbox alter column dossier_id drop not null');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('delete from notification_outbox where dossier_id is null');
  await knex.raw('alter table notification_outbox alter column dossier_id set not null');
  await knex.schema.alterTable('notifications', (t) => {
    for (const c of ['recipient_user_id', 'attempts', 'dead_lettered_at']) t.dropColumn(c);
  });
  await knex.schema.alterTable('notification_outbox', (t) => {
    for (const c of ['recipient_user_id', 'payload']) t.dropColumn(c);
  });
  await knex.schema.alterTable('idempotency_keys', (t) => {
    for (const c of ['response_status', 'response_body']) t.dropColumn(c);
  });
  await knex.schema.dropTableIfExists('webhook_delivery_attempts');
  await knex.schema.dropTableIfExists('webhook_deliveries');
  await knex.schema.dropTableIfExists('webhook_subscriptions');
  await knex.raw('drop trigger if exists audit_log_no_truncate on audit_log');
  await knex.raw('drop trigger if exists audit_log_append_only on audit_log');
  await knex.schema.dropTableIfExists('audit_log');
  await knex.raw('drop function if exists audit_log_is_append_only()');
  await knex.schema.dropTableIfExists('documents');
  for (const type of ['webhook_delivery_status', 'audit_actor_kind']) await knex.raw(`drop type if exists ${type}`);
}
