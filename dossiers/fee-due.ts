import type { Tx } from '../db/connection';
import { dossierFeeBasis } from '../db/repositories/dossiers';
import type { ProjectionFields } from '../db/repositories/dossier-events';
import { procedureFeeTotal } from '../db/repositories/procedures';

/** Phí, lệ phí due for a dossier: fixed at submission by its procedure and channel (docs/domain.md §6). */
export interface FeeDue {
  amountVnd: number;
  timing: 'none' | 'at_submission' | 'before_processing' | 'at_result';
}

/** The sum of the procedure's fee lines for the dossier's channel, and when it is due; null for an unknown dossier. */
export async function feeDueOf(db: Tx, dossierId: number): Promise<FeeDue | null> {
  const d = await dossierFeeBasis(db, dossierId);
  if (!d) return null;
  const amountVnd = Number((await procedureFeeTotal(db, d.procedure_id, d.channel)) ?? 0);
  const timing = d.fee_timing as FeeDue['timing'];
  return { amountVnd: timing === 'none' ? 0 : amountVnd, timing: amountVnd === 0 ? 'none' : timing };
}

/** The read model's fee fields as the submission sets them. */
export function feeProjection(fee: FeeDue): Pick<ProjectionFields, 'feeDueVnd' | 'feeTiming' | 'feeStatus'> {
  return { feeDueVnd: fee.amountVnd, feeTiming: fee.timing, feeStatus: fee.amountVnd === 0 ? 'none' : 'unpaid' };
}
