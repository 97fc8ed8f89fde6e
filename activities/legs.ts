import { ApplicationFailure } from '@temporalio/activity';
import { CalendarCoverageError, toOffsetIso } from '../domain/calendar';
import { loadAgencyCalendar, UnknownCalendarError } from '../db/repositories/calendars';
import { alertAgencyOfficers, leastLoadedLegSpecialist, legAssignee, recordLegEvent } from '../db/repositories/legs';
import type { ActivityDeps } from './index';
import type { InterAgencyActivities } from './interagency';

/** Inter-agency legs and consultations: their rows, alerts and dates (issue 17). */
export function legActivities(deps: ActivityDeps): Omit<InterAgencyActivities, 'pinInternalProcedure'> {
  const { db } = deps;
  return {
    /** `from` plus working hours on the agency's calendar (its latest version): a leg's or a step's budget (0: by the close of that working day, `stepDue`). */
    async addWorkingHours(input) {
      try {
        const calendar = await loadAgencyCalendar(db, input.agencyEid);
        return toOffsetIso(calendar.stepDue(new Date(input.from), Math.round(input.hours * 3_600_000)));
      } catch (err) {
        if (err instanceof CalendarCoverageError) throw ApplicationFailure.nonRetryable(err.message, 'CalendarCoverageError');
        if (err instanceof UnknownCalendarError) throw ApplicationFailure.nonRetryable(err.message, 'UnknownCalendar');
        throw err;
      }
    },

    async recordLegEvent(e) {
      await recordLegEvent(db, e);
    },

    async alertAgency(input) {
      await alertAgencyOfficers(db, input);
    },

    async assignLegSpecialist(input) {
      const current = await legAssignee(db, input.legWorkflowId);
      if (current) return { userId: current.id, fullName: current.full_name };
      const candidate = await leastLoadedLegSpecialist(db, input.agencyEid);
      if (!candidate) throw ApplicationFailure.nonRetryable(`agency ${input.agencyEid} has no active specialist`, 'NoSpecialist');
      return { userId: candidate.id, fullName: candidate.full_name };
    },
  };
}
