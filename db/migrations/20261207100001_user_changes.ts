import type { Knex } from 'knex';

/**
 * Officer accounts told as they change (issue 18, target 1): the API keeps the accounts its
 * officers' tokens name in memory (platform/identity.ts `officerAccountCache`) instead of reading
 * `users` on every request, and drops one as soon as it changes. Every UPDATE or DELETE of a user
 * notifies its username (old and new, when renamed) on the `user_changes` channel, delivered at
 * commit; a TRUNCATE notifies `*` (every account). Inserts need no notice: an unknown account is
 * never kept.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create or replace function notify_user_change() returns trigger language plpgsql as $$
    begin
      if tg_op = 'TRUNCATE' then
        perform pg_notify('user_changes', '*');
        return null;
      end if;
      perform pg_notify('user_changes', old.username);
      if tg_op = 'UPDATE' and new.username is distinct from old.username then
        perform pg_notify('user_changes', new.username);
      end if;
      return null;
    end $$;
    create trigger users_notify_change after update or delete on users for each row execute function notify_user_change();
    create trigger users_notify_truncate after truncate on users for each statement execute function notify_user_change();
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    drop trigger if exists users_notify_truncate on users;
    drop trigger if exists users_notify_change on users;
    drop function if exists notify_user_change();
  `);
}
