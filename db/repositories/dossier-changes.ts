import pg from 'pg';
import type { Db, Tx } from '../connection';

/**
 * Live queues (issue 15, API item 8): what changed in the read model, told as it commits.
 *
 * Every writer of a dossier's read-model row calls `noteDossierChange` in the transaction of
 * its write (recordDossierEvent, the submission's insert, a payment): it raises the agency's
 * change counter (`dossier_change_versions`, migration 20261204000006, in shards since
 * 20261209000002) and sends the change on the `dossier_changes` channel with pg_notify, which
 * PostgreSQL delivers at commit, and never for a transaction rolled back. The worklist's ETag
 * is made of these counters (dossiers/worklist.ts `worklistVersion`); the event stream of the
 * staff console is fed by one LISTEN connection per API process (`listenForDossierChanges`),
 * fanned out to the subscribers by dossiers/live-queue.ts.
 */
export const DOSSIER_CHANGES_CHANNEL = 'dossier_changes';

/** One change as the channel carries it: the dossier, its agency (eid and id), where it is now, and the agency's counter after it. */
export interface DossierChange {
  code: string;
  agency: string;
  agencyId: number;
  status: string;
  step: string | null;
  version: number;
}

/**
 * Shards of an agency's change counter (migration 20261209000002): a writer raises the row of
 * `dossier id % CHANGE_SHARDS`, so the writes of two dossiers of one agency rarely queue on the
 * same row; the agency's counter is the sum of its rows.
 */
const CHANGE_SHARDS = 16;

/**
 * Raises the counter of the dossier's agency and notifies the change, in the caller's
 * transaction (one statement). Call it after the write, last in the transaction where it can
 * be: the shard's row is locked until commit, so writes of one agency's dossiers in the same
 * shard queue on it only for what is left of their transactions. The notified `version` is the
 * counter as this writer sees it (its shard after the raise, the others as committed). The
 * dossier event's one-call write (`record_dossier_event`, migrations 20261206000001 and
 * 20261209000002) runs the same statement as its last: a change here goes there too.
 */
export async function noteDossierChange(trx: Tx, dossierId: number): Promise<void> {
  await trx.raw(
    `with d as (
       select d.code, d.agency_id, a.eid, d.status, d.current_step from dossiers d join agencies a on a.id = d.agency_id where d.id = ?
     ), v as (
       insert into dossier_change_versions as v (agency_id, shard, version)
       select agency_id, ?, 1 from d
       on conflict (agency_id, shard) do update set version = v.version + 1, changed_at = now()
       returning agency_id, shard, version
     )
     select pg_notify(?, json_build_object('code', d.code, 'agency', d.eid, 'agencyId', d.agency_id, 'status', d.status, 'step', d.current_step,
              'version', v.version + (select coalesce(sum(o.version), 0) from dossier_change_versions o where o.agency_id = v.agency_id and o.shard <> v.shard))::text)
       from d join v on v.agency_id = d.agency_id`,
    [dossierId, dossierId % CHANGE_SHARDS, DOSSIER_CHANGES_CHANNEL],
  );
}

/** The change counters of these agencies, each the sum of its shards (0 for an agency none of whose dossiers has changed since the counters exist). */
export async function agencyVersions(db: Tx, agencyIds: readonly number[]): Promise<Map<number, number>> {
  const rows: Array<{ agency_id: number; version: string }> = await db('dossier_change_versions')
    .whereIn('agency_id', [...agencyIds])
    .groupBy('agency_id')
    .select('agency_id', db.raw('sum(version)::bigint::text as version'));
  return new Map(rows.map((r) => [Number(r.agency_id), Number(r.version)]));
}

export interface DossierChangeListener {
  /** Stops listening and closes the connection. */
  close(): Promise<void>;
  /** The PostgreSQL backend of the connection (pg_stat_activity.pid), when known. */
  backendPid?: number;
}

function parseChange(payload: string | undefined): DossierChange | null {
  if (!payload) return null;
  try {
    const o = JSON.parse(payload) as Record<string, unknown>;
    if (typeof o.code !== 'string' || typeof o.agency !== 'string' || typeof o.agencyId !== 'number' || typeof o.status !== 'string' || typeof o.version !== 'number') return null;
    return { code: o.code, agency: o.agency, agencyId: o.agencyId, status: o.status, step: typeof o.step === 'string' ? o.step : null, version: o.version };
  } catch {
    return null;
  }
}

/**
 * A connection of its own (not one of the knex pool's, which it would hold for ever) that
 * LISTENs on the channel: resolves once PostgreSQL has confirmed the LISTEN, so no change
 * committed after that is missed. `lost` is called once if the connection fails or ends
 * without `close()` (changes may have been missed from then on). `applicationName` names the
 * connection in pg_stat_activity (the live queues' and the lookup cache's each have their own).
 */
export async function listenForDossierChanges(
  db: Db,
  handlers: { change(c: DossierChange): void; lost(err: Error): void },
  applicationName = 'dossier-api-live-queues',
): Promise<DossierChangeListener> {
  const settings = (db.client as { connectionSettings: string | pg.ClientConfig }).connectionSettings;
  const base: pg.ClientConfig = typeof settings === 'string' ? { connectionString: settings } : { ...settings };
  const client = new pg.Client({ ...base, keepAlive: true, application_name: applicationName });
  let closing = false;
  let reported = false;
  const lost = (err: Error) => {
    if (closing || reported) return;
    reported = true;
    closing = true;
    // What is left of the connection is of no use: released, and the hub opens another for the next subscriber.
    client.end().catch(() => undefined);
    handlers.lost(err);
  };
  client.on('error', lost);
  client.on('end', () => lost(new Error('the LISTEN connection ended')));
  client.on('notification', (msg) => {
    if (msg.channel !== DOSSIER_CHANGES_CHANNEL) return;
    const c = parseChange(msg.payload);
    if (c) handlers.change(c);
  });
  try {
    await client.connect();
    await client.query(`listen ${DOSSIER_CHANGES_CHANNEL}`);
  } catch (err) {
    closing = true;
    await client.end().catch(() => undefined);
    throw err;
  }
  return {
    backendPid: (client as unknown as { processID?: number }).processID,
    close: async () => {
      if (closing) return;
      closing = true;
      await client.end().catch(() => undefined);
    },
  };
}
