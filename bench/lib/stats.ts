/** Small statistics helpers for the benchmark report. */

/** Nearest-rank percentile of a sample (p in 0..100); NaN on an empty sample. */
export function percentile(values: readonly number[], p: number): number {
  if (!values.length) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1]!;
}

export interface Summary {
  n: number;
  mean: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export function summarize(values: readonly number[]): Summary {
  const n = values.length;
  return {
    n,
    mean: n ? values.reduce((s, v) => s + v, 0) / n : Number.NaN,
    p50: percentile(values, 50),
    p95: percentile(values, 95),
    p99: percentile(values, 99),
    max: n ? Math.max(...values) : Number.NaN,
  };
}

/** The summary of `values`, or null when there are none (a figure the run did not measure). */
export function summarizeSome(values: readonly number[]): Summary | null {
  return values.length ? summarize(values) : null;
}

export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

/** A number for a table: fixed decimals, thousands separated, '—' when not a number. */
export function fmt(value: number | null | undefined, decimals = 1): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  return value.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
}

export function ratio(system: number, baseline: number): number {
  return baseline > 0 ? system / baseline : Number.NaN;
}

/** Runs `task` over `items` with at most `concurrency` at once, in order of the items. */
export async function pool<T, R>(items: readonly T[], concurrency: number, task: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    for (;;) {
      const i = next++;
      if (i >= items.length) return;
      out[i] = await task(items[i]!, i);
    }
  });
  await Promise.all(lanes);
  return out;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Elapsed milliseconds since `start` (from performance.now()). */
export const since = (start: number) => performance.now() - start;
