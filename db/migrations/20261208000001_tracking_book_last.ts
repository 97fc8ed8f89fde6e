import type { Knex } from 'knex';

/**
 * The tracking book's number raised last in `record_dossier_event` (issue 18, target 1): the
 * agency's yearly counter (`tracking_book_sequences`, one row per agency and year) is locked from
 * its raise until the commit, so every acceptance of the agency waits for the one before it to
 * commit. It was raised after the projection and held through the hand-offs, the clock entries,
 * audit, webhooks, alerts and the citizen's message; now it is raised after them, just before the
 * agency's change counter (the other per-agency row, already last). Nothing between the two
 * places reads the number (the message's facts, `dossier_facts`, and the webhook's payload do
 * not); the context the function answers is read after both, as before. Measured with
 * `log_lock_waits` in BENCHMARKS.md, analysis (b).
 *
 * The block is moved in the function as the database holds it (`pg_get_functiondef`), so that
 * the function's 250 other lines are not written out a third time; each step checks that it
 * found what it moves exactly once.
 */
const TRACKING_BLOCK = `  -- Received: the next number of the agency's tracking book (sổ theo dõi hồ sơ), printed on Form 01.
  if (e ->> 'receivedAtSet')::boolean then
    select agency_id, received_at, tracking_book_number into v_d from dossiers where id = v_id for update;
    if v_d.received_at is not null and v_d.tracking_book_number is null then
      v_year := extract(year from (v_d.received_at at time zone 'UTC') + interval '7 hours')::integer;
      insert into tracking_book_sequences as s (agency_id, year, last_value) values (v_d.agency_id, v_year, 1)
      on conflict (agency_id, year) do update set last_value = s.last_value + 1
      returning last_value into v_number;
      update dossiers set tracking_book_year = v_year, tracking_book_number = v_number where id = v_id;
    end if;
  end if;

`;
/** What the block sat before (migration 20261207000001), and what it is moved before. */
const AFTER_PROJECTION = `  -- The QĐ 766 facts, computed by the caller from the log and the dossier's calendar.\n`;
const BEFORE_CHANGE_COUNTER = `  -- Last: the agency's change counter and the live queues' notification`;

function once(source: string, part: string): number {
  const at = source.indexOf(part);
  if (at < 0 || source.indexOf(part, at + 1) >= 0) throw new Error(`record_dossier_event: expected exactly one ${JSON.stringify(part.slice(0, 60))}`);
  return at;
}

/** Moves the tracking book's block of the function to stand just before `anchor`. */
async function moveTrackingBlock(knex: Knex, anchor: string): Promise<void> {
  const { rows } = await knex.raw(`select pg_get_functiondef('record_dossier_event(jsonb)'::regprocedure) as def`);
  const def = rows[0].def as string;
  const from = once(def, TRACKING_BLOCK);
  const without = def.slice(0, from) + def.slice(from + TRACKING_BLOCK.length);
  const to = once(without, anchor);
  await knex.raw(without.slice(0, to) + TRACKING_BLOCK + without.slice(to));
}

export async function up(knex: Knex): Promise<void> {
  await moveTrackingBlock(knex, BEFORE_CHANGE_COUNTER);
}

export async function down(knex: Knex): Promise<void> {
  await moveTrackingBlock(knex, AFTER_PROJECTION);
}
