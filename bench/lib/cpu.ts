import type { Knex } from 'knex';
import { backendPids, cpuMs } from './stack';

/**
 * CPU time each process of the stack spends between two moments (from /proc): named child
 * processes by pid, the PostgreSQL backends serving one database (those alive at either moment;
 * pool connections live for the whole run), and the harness itself (process.cpuUsage).
 */
export interface CpuMark {
  pids: Record<string, number>;
  pg: Map<number, number>;
  procs: Record<string, number>;
  self: NodeJS.CpuUsage;
}

export async function cpuMark(db: Knex, database: string, pids: Record<string, number | undefined>): Promise<CpuMark> {
  const known = Object.fromEntries(Object.entries(pids).filter((e): e is [string, number] => typeof e[1] === 'number'));
  const pg = new Map((await backendPids(db, database)).map((pid) => [pid, cpuMs(pid)]));
  const procs = Object.fromEntries(Object.entries(known).map(([k, pid]) => [k, cpuMs(pid)]));
  return { pids: known, pg, procs, self: process.cpuUsage() };
}

/** Milliseconds of CPU since `mark`, by process name, plus `postgres` and `harness`. */
export async function cpuSince(db: Knex, database: string, mark: CpuMark): Promise<Record<string, number>> {
  const self = process.cpuUsage(mark.self);
  const after = await backendPids(db, database);
  const pg = [...new Set([...mark.pg.keys(), ...after])].reduce((sum, pid) => sum + Math.max(0, cpuMs(pid) - (mark.pg.get(pid) ?? 0)), 0);
  const out: Record<string, number> = {};
  for (const [k, pid] of Object.entries(mark.pids)) out[k] = Math.max(0, cpuMs(pid) - mark.procs[k]!);
  out.postgres = pg;
  out.harness = (self.user + self.system) / 1000;
  return out;
}
