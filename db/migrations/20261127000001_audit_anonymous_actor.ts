import type { Knex } from 'knex';

/**
 * Requests without a valid token are audited as what they are, `anonymous`, instead of as a
 * citizen named "anonymous" (platform/audit-trail.ts keeps nothing they typed). Down maps them
 * back to how they were stored before: kind `citizen`, label `anonymous`.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`alter type audit_actor_kind add value if not exists 'anonymous'`);
}

export async function down(knex: Knex): Promise<void> {
  // An enum value cannot be dropped: the type is rebuilt without it (DDL, so the append-only triggers do not fire).
  await knex.raw(`alter type audit_actor_kind rename to audit_actor_kind_with_anonymous`);
  await knex.raw(`create type audit_actor_kind as enum ('officer', 'citizen', 'system', 'integration')`);
  await knex.raw(
    `alter table audit_log alter column actor_kind type audit_actor_kind
       using (case when actor_kind::text = 'anonymous' then 'citizen' else actor_kind::text end)::audit_actor_kind`,
  );
  await knex.raw(`drop type audit_actor_kind_with_anonymous`);
}
