/**
 * The floors' one durable write: one INSERT of an event row, one statement in its own transaction
 * (committed as the server's synchronous_commit says), idempotent by (stream, seq) like
 * dossier_events' (dossier_id, seq). The table is created by the scenario (bench/scenarios/b-lifecycle.ts).
 */
export const FLOOR_EVENTS_TABLE = `
  create table if not exists bench_floor_events (
    id bigserial primary key,
    stream text not null,
    seq integer not null,
    type text not null,
    occurred_at timestamptz not null,
    data jsonb not null default '{}',
    recorded_at timestamptz not null default now(),
    unique (stream, seq)
  )`;
export const INSERT_EVENT = 'insert into bench_floor_events (stream, seq, type, occurred_at, data) values ($1, $2, $3, now(), $4) on conflict (stream, seq) do nothing';
