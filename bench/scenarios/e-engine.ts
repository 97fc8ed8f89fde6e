import type { ScenarioResult } from '../lib/result';
import type { BenchContext } from '../lib/stack';

/**
 * (e) The production-shaped engine (issue 18, target 5): a Temporal server persisting to
 * PostgreSQL, one API and worker pair against two. Placeholder until that work lands.
 */
export async function scenarioE(_ctx: BenchContext): Promise<ScenarioResult> {
  throw new Error('scenario (e) is not built yet');
}
