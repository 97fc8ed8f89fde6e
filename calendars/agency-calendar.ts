import { inTransaction, type Db } from '../db/connection';
import { lockAgencyWithCalendar, setAgencyCalendar } from '../db/repositories/agencies';
import { latestCalendarVersion } from '../db/repositories/calendars';
import { DomainError } from '../domain/errors';
import type { Caller } from '../domain/officer';

/**
 * Moves an agency to another calendar (`PUT /agencies/:eid/calendar`, administrators): from now
 * on its new dossiers are dated by the latest version of `code`; dossiers already dated keep
 * their version until an explicit recomputation (recompute.ts).
 */
export async function changeAgencyCalendar(db: Db, caller: Caller, input: { eid: string; code: string; reason: string }) {
  const { eid, code, reason } = input;
  return inTransaction(db, async (trx) => {
    const agency = await lockAgencyWithCalendar(trx, eid);
    if (!agency) throw new DomainError('not_found', 'Agency not found', `Không có cơ quan mã ${eid}.`);
    const latest = await latestCalendarVersion(trx, code);
    if (!latest) {
      throw new DomainError('invalid', 'Invalid request', `Không có lịch ${code}.`, { errors: [{ field: 'code', message: 'không có lịch này' }] });
    }
    // Pointing at the latest row is only a convenience: an agency always works by the latest version of its code.
    await setAgencyCalendar(trx, agency.id, latest.id);
    return {
      agency: { eid: agency.eid, name: agency.name },
      calendar: { code: latest.code, version: latest.version },
      previous: agency.calendar_code ? { code: agency.calendar_code, version: agency.calendar_version } : null,
      reason,
      changedBy: { userId: caller.userId, username: caller.username },
    };
  });
}
