import type { Tx } from '../db/connection';
import { dossierFeeBasis } from '../db/repositories/dossiers';
import type { ProjectionFields } from '../db/repositories/dossier-events';
import { procedureFeeBasis, procedureFeeTotal } from '../db/repositories/procedures';
import type { Channel } from '../domain/types';

/** Phí, lệ phí due for a dossier: fixed at submission by its procedure and channel (docs/domain.md §6). */
export interface FeeDue {
  amountVnd: number;
  timing: 'none' | 'at_submission' | 'before_processing' | 'at_result';
}

/** The sum of the procedure's fee lines for the dossier's channel, and when it is due; null for an unknown dossier. */
export async function feeDueOf(db: Tx, dossierId: number): Promise<FeeDue | null> {
  const d = await dossierFeeBasis(db, dossierId);
  if (!d) return null;
  return feeDue(d.fee_timing, await procedureFeeTotal(db, d.procedure_id, d.channel));
}

/** The fee a dossier of this procedure and channel will owe (what feeDueOf finds once it is stored); null for an unknown procedure. */
export async function feeDueFor(db: Tx, procedureId: number, channel: Channel): Promise<FeeDue | null> {
  const p = await procedureFeeBasis(db, procedureId, channel);
  return p ? feeDue(p.fee_timing, p.total) : null;
}

function feeDue(feeTiming: string, total: string | number | null): FeeDue {
  const amountVnd = Number(total ?? 0);
  const timing = feeTiming as FeeDue['timing'];
  return { amountVnd: timing === 'none' ? 0 : amountVnd, timing: amountVnd === 0 ? 'none' : timing };
}

/** The read model's fee fields as the submission sets them. */
export function feeProjection(fee: FeeDue): Pick<ProjectionFields, 'feeDueVnd' | 'feeTiming' | 'feeStatus'> {
  return { feeDueVnd: fee.amountVnd, feeTiming: fee.timing, feeStatus: fee.amountVnd === 0 ? 'none' : 'unpaid' };
}
