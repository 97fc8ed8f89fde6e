import { condition } from '@temporalio/workflow';
import type { DeadlineState, Dossier, Transition } from './state';

/**
 * The deadline timers (docs/domain.md §3.5): a warning before the appointment, the overdue mark
 * at the due date and an escalation after every interval, each written to the history and sent
 * to the assignee and the agency's supervisors (leaders too on escalation). Timers re-arm
 * whenever the ledger changes (its version moves); they end when the clock stops.
 */
export async function watchDeadline(d: Dossier, dl: DeadlineState): Promise<void> {
  for (;;) {
    await condition(() => dl.stopped || (dl.schedule !== null && d.state.submissionRecorded));
    if (dl.stopped) return;
    const version = dl.version;
    const next = nextDeadlineAction(dl);
    if (!next) {
      await condition(() => dl.stopped || dl.version !== version);
      continue;
    }
    const wait = Date.parse(next.at) - Date.now();
    if (wait > 0) {
      await condition(() => dl.stopped || dl.version !== version, wait);
      continue;
    }
    await condition(() => !d.state.busy);
    if (dl.stopped || dl.version !== version) continue;
    d.state.busy = true;
    try {
      await fireDeadlineAction(d, dl, next.kind);
    } finally {
      d.state.busy = false;
    }
  }
}

type DeadlineAction = { kind: 'warn' | 'overdue' | 'escalate'; at: string };

function nextDeadlineAction(dl: DeadlineState): DeadlineAction | null {
  const sch = dl.schedule;
  if (!sch || sch.paused) return null;
  const candidates: DeadlineAction[] = [];
  if (sch.warnAt && dl.warnedFor !== sch.appointmentAt && Date.now() < Date.parse(sch.appointmentAt)) candidates.push({ kind: 'warn', at: sch.warnAt });
  if (sch.overdueAt && dl.overdueFor !== sch.dueAt) candidates.push({ kind: 'overdue', at: sch.overdueAt });
  if (sch.nextEscalationAt) candidates.push({ kind: 'escalate', at: sch.nextEscalationAt });
  candidates.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  return candidates[0] ?? null;
}

async function fireDeadlineAction(d: Dossier, dl: DeadlineState, kind: DeadlineAction['kind']): Promise<void> {
  const code = d.code;
  const sch = dl.schedule!;
  const due = { dueAt: sch.dueAt, appointmentAt: sch.appointmentAt };
  let event: Pick<Transition, 'type' | 'projection' | 'data' | 'alert'>;
  if (kind === 'warn') {
    dl.warnedFor = sch.appointmentAt;
    dl.version += 1;
    event = {
      type: 'deadline_at_risk',
      projection: { deadlineState: d.deadlineStateNow() },
      data: due,
      alert: { kind: 'at_risk', level: 0, message: `Hồ sơ ${code} sắp đến hạn trả kết quả (${sch.appointmentAt}).` },
    };
  } else if (kind === 'overdue') {
    dl.overdueFor = sch.dueAt;
    dl.version += 1;
    event = {
      type: 'deadline_overdue',
      projection: { deadlineState: 'overdue' },
      data: { ...due, reappointed: dl.reappointed },
      alert: { kind: 'overdue', level: 0, message: `Hồ sơ ${code} đã quá hạn giải quyết (${sch.dueAt}).` },
    };
  } else {
    dl.escalationLevel += 1;
    await d.refreshDeadline();
    event = {
      type: 'deadline_escalated',
      projection: { deadlineState: 'overdue', escalationLevel: dl.escalationLevel },
      data: { ...due, level: dl.escalationLevel },
      alert: { kind: 'escalation', level: dl.escalationLevel, message: `Hồ sơ ${code} quá hạn, nhắc lần ${dl.escalationLevel} (hẹn trả ${sch.appointmentAt}).` },
    };
  }
  // The status stays: a deadline event is a fact about the dossier, not a step of it.
  await d.transition({ to: d.state.status, by: null, ...event });
}
