import type { Db } from '../db/connection';
import { findActiveSpecialist } from '../db/repositories/users';
import { invalidFields } from '../domain/errors';

/**
 * Phân công: the specialist a leader names (user id, or username), who must be an active
 * specialist of the dossier's agency; anyone else is a field error on `specialist`.
 */
export async function assignableSpecialist(db: Db, agencyId: number, raw: string | number): Promise<{ userId: number; fullName: string }> {
  const specialist = await findActiveSpecialist(db, agencyId, typeof raw === 'number' || /^\d+$/.test(String(raw)) ? { id: Number(raw) } : { username: String(raw).trim() });
  if (!specialist) {
    throw invalidFields([{ field: 'specialist', message: `"${String(raw)}" không phải chuyên viên đang hoạt động của cơ quan giải quyết hồ sơ này` }]);
  }
  return { userId: specialist.id, fullName: specialist.full_name };
}
