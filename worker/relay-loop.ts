/** What the worker's parts have in common at shutdown: BullMQ workers and queues, relay loops. */
export interface Closable {
  close(): Promise<void>;
}

/**
 * Runs a relay from PostgreSQL into BullMQ every `intervalMs` until closed. Each tick drains a
 * backlog in batches (passes follow one another while one moved a full `batchSize`, or, without
 * one, while one moved anything), then runs `afterDrain` if given. A pass that moved less than a
 * full batch took every row there was: the next pass would only find the rows written since,
 * which the next tick finds as well, so it is not run (issue 18: one empty transaction less per
 * busy tick). A failure (Redis down) is logged once per distinct message as
 * "worker: <name> waiting (…)", and the next tick simply tries again.
 */
export function startRelayLoop(opts: {
  name: string;
  pass: () => Promise<number>;
  /** The most rows one pass moves (its query's limit). */
  batchSize?: number;
  afterDrain?: () => Promise<void>;
  intervalMs: number;
  log: (line: string) => void;
}): Closable {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  let lastError = '';
  const tick = () => {
    running = (async () => {
      try {
        const full = opts.batchSize ?? 1;
        while (!stopped && (await opts.pass()) >= full);
        if (!stopped && opts.afterDrain) await opts.afterDrain();
        lastError = '';
      } catch (err) {
        const message = (err as Error).message;
        if (message !== lastError) opts.log(`worker: ${opts.name} waiting (${message})`);
        lastError = message;
      }
      if (!stopped) timer = setTimeout(tick, opts.intervalMs);
    })();
  };
  tick();
  return {
    async close() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}

/**
 * Shuts down in stages: everything in a stage closes at once, and a stage starts when the one
 * before it has closed (the relay first, so nothing new is queued; then the workers, which
 * finish their jobs; then the queues).
 */
export async function closeInStages(...stages: ReadonlyArray<readonly Closable[]>): Promise<void> {
  for (const stage of stages) await Promise.all(stage.map((c) => c.close()));
}
