import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startWorker, type WorkerProcess } from '../../test/helpers/stack';
import type { Rng } from './rng';

/**
 * Keeps one worker process running and kills it `kills` times at random points of a run,
 * starting a new one after each death, the way an orchestrator restarts a crashed pod.
 *
 * The points are seeded fractions of the run's progress (0 = nothing done, 1 = all done),
 * so the kills fall all along the run whatever the machine's speed, and their number (and
 * the time they cost: every activity in flight on a dead worker waits out its 10 s
 * start-to-close timeout) is bounded. At each point the worker is SIGKILLed; at a share of
 * them (by the seed) its successor carries the worker's own fault injection
 * (DOSSIER_FAULT_CRASH_AFTER_EVENT) and dies in turn right after committing the next event of
 * a chosen type, before the activity reports back: the moment a retried activity would write
 * twice if it were not idempotent.
 */
export interface KillSupervisor {
  /** Kills so far, by cause. */
  readonly kills: { sigkill: number; afterEvent: number };
  /** Deaths planned: one per point, two for a point whose successor dies after an event. */
  readonly planned: number;
  readonly incarnations: number;
  /** Resolves when every planned kill has happened and a last, plain worker is up. */
  readonly done: Promise<void>;
  /** Stops killing (if some kills are still planned) and stops the last worker (SIGTERM). */
  close(): Promise<void>;
  log: string[];
}

export function superviseWithKills(opts: {
  env: NodeJS.ProcessEnv;
  rng: Rng;
  kills: number;
  /** The run's progress, from 0 to 1. */
  progress: () => Promise<number>;
  /** Event types an incarnation may be told to die after. */
  crashAfterEvents: readonly string[];
  crashAfterShare?: number;
}): KillSupervisor {
  const markers = fs.mkdtempSync(path.join(os.tmpdir(), 'dossier-fault-markers-'));
  const points = Array.from({ length: opts.kills }, () => 0.03 + 0.92 * opts.rng.next()).sort((a, b) => a - b);
  const plan = points.map((at) => ({
    at,
    crashAfter: opts.crashAfterEvents.length && opts.rng.next() < (opts.crashAfterShare ?? 1 / 3) ? opts.rng.pick(opts.crashAfterEvents) : undefined,
  }));
  const kills = { sigkill: 0, afterEvent: 0 };
  const log: string[] = [`kill plan: ${plan.map((p) => (p.crashAfter ? `after '${p.crashAfter}' from ${(p.at * 100).toFixed(0)}%` : `SIGKILL at ${(p.at * 100).toFixed(0)}%`)).join(', ')}`];
  let incarnations = 0;
  let stopped = false;
  let worker: WorkerProcess | undefined;
  const started = Date.now();
  const t = () => `${((Date.now() - started) / 1000).toFixed(1)}s`;
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  const start = async (env: NodeJS.ProcessEnv): Promise<WorkerProcess | undefined> => {
    incarnations += 1;
    try {
      return await startWorker(env);
    } catch (err) {
      // Died during start-up (its fault injection fired before it said it was polling): a kill like any other.
      log.push(`${t()} worker #${incarnations} died while starting: ${(err as Error).message.split('\n')[0]}`);
      return undefined;
    }
  };

  const done = (async () => {
    worker = await start(opts.env);
    for (const [i, step] of plan.entries()) {
      if (stopped) return;
      if (step.crashAfter) {
        // The current worker runs until the point, then makes way for one that will die by itself.
        while (!stopped && (await opts.progress()) < step.at) await sleep(200);
        if (stopped) return;
        if (worker) {
          await worker.kill();
          worker = undefined;
          kills.sigkill += 1;
          log.push(`${t()} SIGKILL #${i + 1} at ${((await opts.progress()) * 100).toFixed(0)}%, for a worker that dies after '${step.crashAfter}'`);
        }
        const w = await start({ ...opts.env, DOSSIER_FAULT_CRASH_AFTER_EVENT: step.crashAfter, DOSSIER_FAULT_MARKER: path.join(markers, `crash-${i}`) });
        let diedByItself = !w;
        if (w) {
          log.push(`${t()} worker #${incarnations} pid ${w.child.pid} up, dies after '${step.crashAfter}'`);
          // It dies at the next such event; if none comes any more (the run is over), it is simply killed.
          let over = false;
          const watch = (async () => {
            while (!stopped && !over && (await opts.progress()) < 1) await sleep(200);
          })();
          diedByItself = (await Promise.race([w.exited.then(() => true), watch.then(() => false)])) === true;
          over = true;
          if (stopped) {
            worker = w;
            return;
          }
          if (!diedByItself) await w.kill();
        }
        if (diedByItself) kills.afterEvent += 1;
        else kills.sigkill += 1;
        log.push(`${t()} worker #${incarnations} ${diedByItself ? `killed itself after '${step.crashAfter}'` : 'SIGKILLed (no such event came)'} at ${((await opts.progress()) * 100).toFixed(0)}%`);
        worker = await start(opts.env);
      } else {
        worker ??= await start(opts.env);
        if (worker) log.push(`${t()} worker #${incarnations} pid ${worker.child.pid} up, SIGKILL at ${(step.at * 100).toFixed(0)}%`);
        while (!stopped && (await opts.progress()) < step.at) await sleep(200);
        if (stopped) return;
        await worker?.kill();
        kills.sigkill += 1;
        log.push(`${t()} SIGKILL #${i + 1} at ${((await opts.progress()) * 100).toFixed(0)}%`);
        worker = await start(opts.env);
      }
    }
    worker ??= await start(opts.env);
    log.push(`${t()} last worker pid ${worker?.child.pid} up, no more kills`);
  })();

  return {
    kills,
    planned: plan.length + plan.filter((p) => p.crashAfter).length,
    get incarnations() {
      return incarnations;
    },
    done,
    log,
    async close() {
      stopped = true;
      await done.catch(() => undefined);
      await worker?.stop();
      fs.rmSync(markers, { recursive: true, force: true });
    },
  };
}
