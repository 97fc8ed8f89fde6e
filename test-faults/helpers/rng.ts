/**
 * A small seeded random number generator (mulberry32), so a fault schedule that found a
 * bug can be run again: every suite prints its seed and takes FAULT_SEED to repeat it.
 */
export interface Rng {
  readonly seed: number;
  /** In [0, 1). */
  next(): number;
  /** An integer in [min, max]. */
  int(min: number, max: number): number;
  pick<T>(items: readonly T[]): T;
}

export function seededRng(seed: number): Rng {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    seed,
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    pick: (items) => items[Math.floor(next() * items.length)]!,
  };
}

/** FAULT_SEED when given (to replay a run), else a fresh one; printed either way. */
export function faultSeed(suite: string): number {
  const given = process.env.FAULT_SEED;
  const seed = given && /^\d+$/.test(given) ? Number(given) : Math.floor(Math.random() * 2 ** 31);
  process.stdout.write(`${suite}: FAULT_SEED=${seed}${given ? ' (given)' : ''}\n`);
  return seed;
}
