import { ApplicationFailure, condition, log, patched, sleep, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { DossierEventRecord, HandoffOpening, ProjectionFields } from '../../activities';
import { fullSchedule, type DeadlineSchedule } from '../../domain/clock-ledger';
import type { NotificationJob } from '../../activities/notifications';
import { actionRefusal, type ActionVariant, type Caller, type DossierAction, type DossierFacts } from '../../domain/dossier-actions';
import { canTransition, isTerminal, statusLabel, type DossierStatus } from '../../domain/status';
import type { Actor, OfficerRole } from '../../domain/types';
import { submittedEvent } from '../../domain/submitted-event';
import { DossierStatusKey, FAILURE_TYPES, type DeadlineView, type DossierOutcome, type DossierView, type DossierWorkflowInput } from '../contracts/dossier-v1';
import { lookup, lookupLocal, record, recordLocal } from './proxies';
import { currentStep, openConsultations, stepView } from './route';
import { freshState, type CarriedDossierState, type DeadlineState, type DossierState, type Transition } from './types';

export type { Action, CarriedDossierState, DeadlineState, Party, Transition } from './types';

/** Citizen's supplement deadline when the officer names none: 15 working days (ND 297/2025 art. 5). */
export const DEFAULT_SUPPLEMENT_WORKING_DAYS = 15;
export { APPLICANT, LEADERS_UNIT, ONE_STOP_UNIT, POST_OFFICE } from '../../domain/units';

/** Statuses at which the legal clock stops: the end of processing for the on-time indicator. */
const CLOCK_STOPS: readonly DossierStatus[] = ['APPROVED', 'DENIED', 'WITHDRAWN', 'CANCELLED', 'CLOSED_UNSUPPLEMENTED'];
export { PROCESSING } from '../../domain/dossier-actions';

/**
 * One dossier's state inside its workflow, with the rules every phase shares: the view it
 * answers with, the one way it changes (`transition`), the busy lock that serialises actions,
 * the guards validators use, and the deadline as derived from the clock ledger.
 * Built inside the workflow function: one instance per run, never module state.
 */
export class Dossier {
  readonly state: DossierState;
  /** The state as of the last event written (or the start of the current action): what a failed action returns to. */
  private committed: string | null = null;
  /** The status last given to the DossierStatus search attribute. */
  private indexedStatus: string | null = null;
  /**
   * Fast path: work an action queued to run after its answer (afterAnswer); the dossier stays
   * busy until the queue is empty. Never carried: continue-as-new waits for the lock.
   */
  private followUps: Array<() => Promise<void>> = [];
  /** A follow-up is running (the lock is the follow-ups', not an action's). */
  private followingUp = false;
  /** An Update handler is running: afterAnswer queues instead of running inline. */
  private answering = false;

  constructor(
    readonly input: DossierWorkflowInput,
    carried?: CarriedDossierState,
  ) {
    // A continued run picks up exactly where the previous one stopped (nothing was in flight).
    this.state = carried ? { ...carried, busy: false, deadline: carried.deadline ?? null } : freshState();
    // Issue 18, target 2: decided first, once per dossier, and carried (types.ts `lean`). Asked
    // before the older patches: on a recorded history without its marker it answers false and
    // the older patches are asked below, in their order, as before.
    // Patch merged-records-v1 is asked first: a run begun after it began after small-markers-v1,
    // which then holds without being asked; on a history recorded before it, it answers false.
    // Patch status-in-read-model-v1 is asked before merged-records-v1, for the same reason.
    // A run whose starter says it begins after status-in-read-model-v1 holds it unasked (input.begunAfter).
    this.state.unindexed = carried ? carried.unindexed === true : this.begunAfter('status-in-read-model-v1') || patched('status-in-read-model-v1');
    this.state.merged = carried ? carried.merged === true : this.state.unindexed || patched('merged-records-v1');
    this.state.lean = carried ? carried.lean === true : this.state.merged || patched('small-markers-v1');
    // Runs begun before the clock ledger keep their old behaviour (recorded histories replay).
    if (this.since('deadline-ledger-v1') && !carried) {
      this.state.deadline = {
        ledger: [],
        calendar: null,
        clockPolicy: 'PAUSE',
        schedule: null,
        escalationLevel: 0,
        warnedFor: null,
        overdueFor: null,
        reappointed: false,
        stopped: false,
        version: 0,
      };
    }
    // Issue 18, decided once per dossier and carried: a dossier begun before the change keeps the
    // old path (regular activities, in the old order) for its whole life, across continue-as-new.
    // The only place this patch is asked.
    this.state.fast = carried ? (carried.fast ?? false) : this.since('fast-actions-v1');
    const submitted = input.submitted;
    if (!carried && this.state.merged && submitted) {
      // Patch merged-records-v1: the API recorded the submission with the dossier, its fee fixed;
      // the run begins from it (indexed SUBMITTED by its start). Taken here, before the first
      // await, so that an Update in the run's first task (a payment at the counter) sees the fee.
      const s = this.state;
      s.seq = 1;
      s.fee = { amountVnd: submitted.feeVnd, timing: submitted.feeTiming, paid: submitted.feeVnd === 0, receiptCode: null, paymentId: null };
      s.submissionRecorded = true;
      this.indexedStatus = s.status;
    }
    if (!carried && this.state.unindexed && workflowInfo().typedSearchAttributes.get(DossierStatusKey) !== undefined) {
      // Started by an API not yet updated, which still indexed it SUBMITTED: removed rather than left stale.
      upsertSearchAttributes([{ key: DossierStatusKey, value: null }]);
    }
  }

  /**
   * Whether the run's starter said it begins after patch `id` (input.begunAfter): then the patch
   * holds, and is not asked while the run executes (no marker, no TemporalChangeVersion upsert).
   * On replay it is asked all the same, for one history only: a worker older than the field took
   * the run's first task and asked, and its marker must be matched (Temporal fails a replay on an
   * unmatched marker). Asked on replay, `patched()` sends a command only when the history holds
   * the marker, so the commands replayed are the recorded ones on either history.
   */
  private begunAfter(id: 'status-in-read-model-v1'): boolean {
    if (this.input.begunAfter !== id) return false;
    if (workflowInfo().unsafe.isReplaying) patched(id);
    return true;
  }

  /**
   * `patched(id)` for the patches older than small-markers-v1: a run begun on the lean path
   * began after every one of them, so they hold without being asked (no marker, no
   * TemporalChangeVersion upsert in its history); older runs ask them as they always did.
   */
  since(id: 'deadline-ledger-v1' | 'fast-actions-v1' | 'internal-procedure-v1' | 'clock-from-fee-v1' | 'stop-notice-v1' | 'verification-checks-v1' | 'restore-failed-action-v1'): boolean {
    return this.state.lean === true || patched(id);
  }

  /** Read-model writes: local activities on the fast path, regular ones before it. */
  get rec(): typeof record {
    return this.state.fast ? recordLocal : record;
  }

  /** Business look-ups (calendar, fee, assignment, procedure): local on the fast path. */
  get look(): typeof lookup {
    return this.state.fast ? lookupLocal : lookup;
  }

  get code(): string {
    return this.input.code;
  }

  now(): string {
    return new Date().toISOString();
  }

  workflowId(): string {
    return workflowInfo().workflowId;
  }

  view(): DossierView {
    const s = this.state;
    return {
      code: this.input.code,
      status: s.status,
      pending: s.pending,
      receivedAt: s.receivedAt,
      appointmentAt: s.appointmentAt,
      assignee: s.assignee,
      resultNumber: s.resultNumber,
      fee: { amountVnd: s.fee.amountVnd, timing: s.fee.timing, paid: s.fee.paid, receiptCode: s.fee.receiptCode },
      deadline: this.deadlineView(),
      lastSeq: s.seq,
      // The action's own answer is given when it ends: the dossier is then free again (an action
      // arriving while the answer's follow-ups run waits for them). A query during those
      // follow-ups reads busy: the dossier is finishing what the action started (fast path).
      facts: { ...this.facts(), busy: this.settling() },
      // Issue 17: the pinned version, and for routed dossiers the step held and the legs sent.
      ...(s.procedureVersion ? { procedureVersion: s.procedureVersion } : {}),
      ...(s.route
        ? { step: isTerminal(s.status) ? null : stepView(this, s.route), legs: s.route.legs.map((l) => ({ ...l })), faultAgencyEid: s.route.faultAgencyEid }
        : {}),
    };
  }

  /**
   * What the run ends with on the lean path (patch small-markers-v1): the outcome, not the whole
   * view (its completion event stays in history; readers of the result read these fields).
   */
  outcome(): DossierOutcome {
    const s = this.state;
    return { code: this.input.code, status: s.status, resultNumber: s.resultNumber, lastSeq: s.seq };
  }

  /** Long dossiers start a fresh history before Temporal's limits, at a quiet moment. */
  historyTooLong(): boolean {
    const info = workflowInfo();
    return info.continueAsNewSuggested || info.historyLength > (this.input.maxHistoryEvents ?? 10_000);
  }

  /**
   * The one way the dossier changes: status, event log, read model, hand-offs, ledger and alerts.
   * `write` records the event instead of recordDossierEvent (the lean path's decision numbers
   * its result in the same local activity, decision.ts); it must record exactly this event.
   */
  async transition(t: Transition, write?: (event: DossierEventRecord) => Promise<void>): Promise<void> {
    const event = this.apply(t, true);
    await (write ? write(event) : this.rec.recordDossierEvent(event));
    this.committed = JSON.stringify(this.state);
    // Old path: the separate activity right after the event, as runs before the patch did.
    if (t.notify && !this.state.fast) await this.notify(t.notify);
  }

  /**
   * Several transitions in a row written by one local activity (patch merged-records-v1): the
   * status indexed once, as they leave it.
   */
  async transitions(ts: Transition[]): Promise<void> {
    const s = this.state;
    const from = s.status;
    const events = ts.map((t) => this.apply(t, false));
    if (s.status !== from) this.index(s.status);
    await this.rec.recordDossierEvents(events);
    this.committed = JSON.stringify(s);
  }

  /**
   * One of two transitions from the same state, the local activity choosing and writing it (patch
   * merged-records-v1: the assignment, where only the database knows whether a specialist is
   * free). Neither may stop the clock. `write` answers which one it wrote.
   */
  async transitionEither<K extends string>(ts: Record<K, Transition>, write: (events: Record<K, DossierEventRecord>) => Promise<K>): Promise<K> {
    const s = this.state;
    const from = s.status;
    const keys = Object.keys(ts) as K[];
    for (const k of keys) {
      if (!canTransition(from, ts[k].to) || CLOCK_STOPS.includes(ts[k].to)) this.cannot(from, ts[k].to);
    }
    const events = Object.fromEntries(keys.map((k) => [k, this.eventOf(ts[k], from, s.seq + 1, ts[k].projection ?? {})])) as Record<K, DossierEventRecord>;
    const chosen = await write(events);
    s.status = ts[chosen].to;
    s.seq += 1;
    if (s.status !== from) this.index(s.status);
    this.committed = JSON.stringify(s);
    return chosen;
  }

  private cannot(from: DossierStatus, to: DossierStatus): never {
    throw ApplicationFailure.create({ message: `Hồ sơ ${this.code} không thể chuyển từ trạng thái «${statusLabel(from)}» sang «${statusLabel(to)}».`, type: FAILURE_TYPES.invalidState, nonRetryable: true, details: [{ reason: 'TransitionNotAllowed' }] });
  }

  /** The DossierStatus search attribute, on runs begun before patch status-in-read-model-v1 only. */
  private index(status: DossierStatus): void {
    if (this.state.unindexed) return;
    upsertSearchAttributes([{ key: DossierStatusKey, value: status }]);
    this.indexedStatus = status;
  }

  /** The transition applied to the state (status, sequence, the clock's stop, its index when asked); the event to write. */
  private apply(t: Transition, indexStatus: boolean): DossierEventRecord {
    const s = this.state;
    const from = s.status;
    if (!canTransition(from, t.to)) this.cannot(from, t.to);
    let projection = t.projection ?? {};
    const d = s.deadline;
    if (d && d.schedule && !d.stopped && CLOCK_STOPS.includes(t.to)) {
      // Kết thúc xử lý: the decision or the stop ends the legal clock and its timers.
      d.stopped = true;
      d.version += 1;
      projection = { ...projection, deadlineState: 'stopped' };
    }
    s.status = t.to;
    s.seq += 1;
    if (t.to !== from && indexStatus) this.index(t.to);
    return this.eventOf(t, from, s.seq, projection);
  }

  private eventOf(t: Transition, from: DossierStatus, seq: number, projection: ProjectionFields): DossierEventRecord {
    const s = this.state;
    const by = t.by;
    return {
      dossierId: this.input.dossierId,
      seq,
      type: t.type,
      fromStatus: from,
      toStatus: t.to,
      actorId: by && 'actor' in by ? by.actor.userId : by && 'officerId' in by ? by.officerId : null,
      actorRole: by && 'role' in by ? by.role : by ? 'applicant' : null,
      occurredAt: this.now(),
      isPublic: true,
      data: t.data ?? {},
      projection: { ...projection, status: t.to },
      handoff: t.handoff,
      ...(t.clock ? { clock: t.clock } : {}),
      ...(t.alert ? { alert: t.alert } : {}),
      // Fast path: the outbox row is written in the event's transaction (same job key as notifyApplicant).
      ...(t.notify && s.fast ? { notify: t.notify } : {}),
    };
  }

  /**
   * Nộp hồ sơ: the first event of the dossier's history; actions wait until it is written. On the
   * lean path (patch small-markers-v1) the fee is fixed in the same local activity
   * (recordSubmission fills the event's fee fields); before it, fixFeeAtSubmission asked first.
   */
  async recordSubmission(): Promise<void> {
    const s = this.state;
    // Recorded by the API with the dossier (patch merged-records-v1): taken from the input as the run began.
    if (s.submissionRecorded) return;
    s.seq += 1;
    this.index(s.status);
    const event: DossierEventRecord = submittedEvent<ProjectionFields>({
      dossierId: this.input.dossierId,
      seq: s.seq,
      channel: this.input.channel,
      deliveryMethod: this.input.deliveryMethod,
      workflowId: workflowInfo().workflowId,
      submittedAt: this.input.submittedAt,
      projection: { workflowStartedAt: this.now() },
    });
    if (s.lean) {
      const due = await this.rec.recordSubmission(event);
      s.fee = { amountVnd: due.amountVnd, timing: due.timing, paid: due.amountVnd === 0, receiptCode: null, paymentId: null };
    } else {
      event.projection = { ...event.projection, feeDueVnd: s.fee.amountVnd, feeTiming: s.fee.timing, feeStatus: s.fee.amountVnd === 0 ? 'none' : 'unpaid' };
      await this.rec.recordDossierEvent(event);
    }
    s.submissionRecorded = true;
  }

  /**
   * The citizen's message about the event last written. Call sites that write an event pass the
   * message with it (`transition({ notify })`); this is for a message without an event of its
   * own (the fee due before the result), and for the old path's separate activity.
   */
  notify(template: NotificationJob['template']): Promise<void> {
    return this.rec.notifyApplicant({ dossierId: this.input.dossierId, seq: this.state.seq, template });
  }

  /**
   * Runs one action at a time; an action arriving in the first instants waits for the submission
   * to be logged. An action that fails part-way (an activity refused its data for good) leaves
   * the dossier as its last written event says, and unlocked. An Update (`answering`) on the fast
   * path may leave follow-ups queued: the lock then stays until they are done. An Update that
   * arrived while follow-ups held the lock (its validator let it through, see `settling`) waits
   * for them and is validated again on the state they left (`revalidate`).
   */
  async exclusively<T>(fn: () => Promise<T>, opts: { answering?: boolean; revalidate?: () => void } = {}): Promise<T> {
    const s = this.state;
    if (opts.revalidate && this.settling()) {
      while (s.busy) await condition(() => !s.busy);
      opts.revalidate();
    }
    s.busy = true;
    this.answering = opts.answering === true;
    try {
      if (!s.submissionRecorded) await condition(() => s.submissionRecorded);
      this.committed = JSON.stringify(s);
      return await fn();
    } catch (err) {
      this.followUps = [];
      this.restoreCommitted();
      throw err;
    } finally {
      this.answering = false;
      if (this.followUps.length === 0) s.busy = false;
    }
  }

  /**
   * What does not decide the action's answer (the specialist's assignment, what a step does on
   * arrival, the legs' cancellation): on the fast path inside an Update it runs after the answer,
   * the dossier kept busy until done (runFollowUps); otherwise right here, in the old order.
   */
  async afterAnswer(fn: () => Promise<void>): Promise<void> {
    if (this.state.fast && this.answering) {
      this.followUps.push(fn);
      return;
    }
    await fn();
  }

  /** The lock is held by follow-ups of an answered action (an Update then waits rather than being refused). */
  settling(): boolean {
    return this.followingUp || (this.followUps.length > 0 && !this.answering);
  }

  /**
   * Ends the current workflow task: the SDK completes a workflow task (and sends the Update's
   * answer with it) only once every local activity it started has finished, so work that must not
   * delay an answer starts on a 1 ms timer, in the next task.
   */
  nextTask(): Promise<void> {
    return sleep(1);
  }

  /**
   * Runs the follow-ups of answered actions, one queue at a time, for the life of the run;
   * started before the first await, it issues no command until something is queued (never on the
   * old path). A follow-up that fails leaves the dossier as its last written event says.
   */
  async runFollowUps(): Promise<void> {
    const s = this.state;
    for (;;) {
      await condition(() => this.followUps.length > 0 && !this.answering);
      this.followingUp = true;
      try {
        await this.nextTask();
        while (this.followUps.length > 0) {
          const fn = this.followUps.shift()!;
          this.committed = JSON.stringify(s);
          try {
            await fn();
          } catch (err) {
            // The answer was given; what followed it stops at the last written event.
            this.followUps = [];
            this.restoreCommitted();
            log.warn('follow-up of an answered action failed', { code: this.code, error: (err as Error).message });
          }
        }
      } finally {
        this.followingUp = false;
        s.busy = false;
      }
    }
  }

  /** Back to the state of the last written event (patched: runs before it kept what a failed action had changed). */
  private restoreCommitted(): void {
    if (this.committed === null || !this.since('restore-failed-action-v1')) return;
    const s = this.state;
    const saved = JSON.parse(this.committed) as DossierState;
    const deadline = s.deadline;
    Object.assign(s, { ...saved, deadline });
    if (deadline && saved.deadline) {
      // In place: the deadline timers hold this object; a new version makes them re-arm.
      const version = deadline.version;
      Object.assign(deadline, saved.deadline, { version: Math.max(version, saved.deadline.version) + 1 });
    }
    if (this.indexedStatus !== null && this.indexedStatus !== s.status) this.index(s.status);
  }

  /** The review hand-off to a specialist, due at the dossier's appointment. */
  reviewHandoff(giver: { id: number | null; unit: string }, to: { userId: number; fullName: string }): HandoffOpening {
    return { step: 'review', giverId: giver.id, giverUnit: giver.unit, receiverId: to.userId, receiverUnit: to.fullName, dueAt: this.state.appointmentAt };
  }

  // ---- deadline (clock ledger) ----

  deadlineView(): DeadlineView | null {
    const d = this.state.deadline;
    if (!d?.schedule || !d.calendar) return null;
    return {
      dueAt: d.schedule.dueAt,
      appointmentAt: d.schedule.appointmentAt,
      paused: d.schedule.paused,
      state: this.deadlineStateNow(),
      warnAt: d.schedule.warnAt,
      nextEscalationAt: d.schedule.nextEscalationAt,
      apologyBy: d.schedule.apologyBy,
      escalationLevel: d.escalationLevel,
      reappointed: d.reappointed,
      calendar: d.calendar,
    };
  }

  /** Where the dossier stands against its deadline right now. */
  deadlineStateNow(): DeadlineView['state'] {
    const d = this.state.deadline!;
    if (d.stopped) return 'stopped';
    const sch = d.schedule;
    if (!sch) return 'running';
    if (sch.paused) return 'paused';
    const t = Date.now();
    if (t >= Date.parse(sch.dueAt)) return 'overdue';
    if (sch.warnAt && t >= Date.parse(sch.warnAt)) return 'at_risk';
    return 'running';
  }

  /**
   * Re-derives the deadline from the ledger; timers waiting on the old one re-arm. The answer in
   * full whatever the activity's form (compact on the lean path); the explanation when it came
   * with it (not on the lean path: the API derives it from the ledger where it is read).
   */
  async refreshDeadline(): Promise<{ schedule: DeadlineSchedule; explanation: string | null }> {
    const d = this.state.deadline!;
    const r = await this.look.scheduleDeadline({
      agencyEid: this.input.agencyEid,
      procedureCode: this.input.procedureCode,
      ledger: d.ledger,
      calendar: d.calendar,
      escalationLevel: d.escalationLevel,
      policy: this.input.deadlinePolicy,
      asOf: this.now(),
      ...(this.state.lean ? { compact: true } : {}),
    });
    const schedule = fullSchedule(r.schedule);
    d.schedule = schedule;
    d.version += 1;
    if (!schedule.paused) this.state.appointmentAt = schedule.appointmentAt;
    return { schedule, explanation: r.explanation ? r.explanation.join(' ') : null };
  }

  /** The read-model fields of the deadline; while paused the printed dates stay as they were. */
  deadlineProjection(): ProjectionFields {
    const d = this.state.deadline!;
    const sch = d.schedule!;
    if (sch.paused) {
      const pause = [...d.ledger].reverse().find((e) => e.kind === 'pause');
      return { deadlineState: 'paused', clockPausedAt: pause?.at ?? null };
    }
    return { dueAt: sch.dueAt, appointmentAt: sch.appointmentAt, deadlineState: this.deadlineStateNow(), clockPausedAt: null, escalationLevel: d.escalationLevel };
  }

  clockPaused(): boolean {
    return this.state.deadline?.schedule?.paused === true;
  }

  /** Why the clock stands still: the citizen's supplement or a clock-excluded step. */
  pausedFor(): string | null {
    const last = [...(this.state.deadline?.ledger ?? [])].reverse().find((e) => e.kind === 'pause' || e.kind === 'resume');
    return last?.kind === 'pause' ? last.cause : null;
  }

  // ---- guards, for the validators: they refuse before anything is written to history ----

  /**
   * Refuses the action: `reason` is the stable code the API answers with (the failure's first
   * detail, listed in docs/problem-reasons.md), `message` the Vietnamese sentence that becomes
   * the problem's `detail`.
   */
  refuse(message: string, type: string, reason: string): never {
    throw ApplicationFailure.create({ message, type, nonRetryable: true, details: [{ reason }] });
  }

  /** The dossier as the action rules (domain/dossier-actions.ts) read it. */
  facts(): DossierFacts {
    const s = this.state;
    const d = s.deadline;
    const pausedFor = this.pausedFor();
    return {
      code: this.code,
      status: s.status,
      busy: s.busy,
      deliveryMethod: this.input.deliveryMethod,
      assignee: s.assignee,
      intakeSupplements: s.intakeSupplements,
      processingSupplements: s.processingSupplements,
      fee: { amountVnd: s.fee.amountVnd, timing: s.fee.timing, paid: s.fee.paid },
      withPost: s.shipment !== null,
      pendingVisit: s.pending?.kind === 'site_visit' ? s.pending.visit : null,
      ...(s.route
        ? (() => {
            const st = currentStep(s.route);
            return {
              step: { key: st.key, kind: st.kind, role: st.role, agencyEid: st.agencyEid ?? this.input.agencyEid, actions: st.actions, sendBackTo: st.sendBackTo ?? [] },
              openConsultations: openConsultations(s.route),
            };
          })()
        : {}),
      clock: d
        ? {
            awaitingFee: !!d.awaitingFee,
            running: d.schedule !== null,
            stopped: d.stopped,
            paused: d.schedule?.paused === true,
            pausedFor: pausedFor === 'citizen_supplement' || pausedFor === 'clock_excluded' ? pausedFor : null,
            dueAt: d.schedule?.dueAt ?? null,
            apologyBy: d.schedule?.apologyBy ?? null,
            reappointed: d.reappointed,
          }
        : null,
    };
  }

  /**
   * Refuses the action unless the shared rules allow it (domain/dossier-actions.ts): the same
   * rules the dossier views' `allowedActions` are computed with. An officer acts with their
   * roles in the agency; `null` is the applicant.
   */
  allow(action: DossierAction, actor: Actor | null, variant?: ActionVariant): void {
    const who: Caller = actor ? { kind: 'officer', userId: actor.userId, roles: actor.roles } : { kind: 'applicant' };
    const r = actionRefusal(action, this.facts(), who, variant);
    if (r) this.refuse(r.detail, r.kind === 'forbidden' ? FAILURE_TYPES.forbidden : r.kind === 'invalid' ? FAILURE_TYPES.invalidInput : FAILURE_TYPES.invalidState, r.reason);
  }

  /** For the messages outside the officers' and applicant's actions (the post's reports, calendar rebases). */
  requireIdle(expected: DossierStatus | readonly DossierStatus[], action: string): void {
    if (this.state.busy) this.refuse(`Hồ sơ ${this.code} đang được thực hiện một thao tác khác; vui lòng thử lại.`, FAILURE_TYPES.invalidState, 'DossierBusy');
    const allowed = typeof expected === 'string' ? [expected] : expected;
    if (!allowed.includes(this.state.status)) {
      this.refuse(`Không thể ${action}: hồ sơ ${this.code} đang ở trạng thái «${statusLabel(this.state.status)}».`, FAILURE_TYPES.invalidState, 'DossierStatusNotAllowed');
    }
  }

  requireRole(actor: Actor, role: OfficerRole, action: string): void {
    if (!actor.roles.includes(role)) this.refuse(`Tài khoản ${actor.username} không có vai trò cần thiết tại cơ quan để ${action}.`, FAILURE_TYPES.forbidden, 'RoleRequired');
  }

  /** A bad command (the API's schemas catch these first): 422 with reason InvalidCommand. */
  invalid(message: string): never {
    return this.refuse(message, FAILURE_TYPES.invalidInput, 'InvalidCommand');
  }

  requireText(value: unknown, field: string): void {
    if (typeof value !== 'string' || !value.trim()) this.invalid(`Trường ${field} là bắt buộc.`);
  }

  requireTexts(values: unknown, field: string, max = 50): void {
    if (!Array.isArray(values) || values.length === 0 || values.length > max || values.some((v) => typeof v !== 'string' || !v.trim() || v.length > 1000)) {
      this.invalid(`Trường ${field} phải liệt kê từ 1 đến ${max} mục, mỗi mục có nội dung.`);
    }
  }

  /** A named deadline must lie ahead, within a plausible span, and not together with a number of days. */
  requireDeadline(cmd: { deadline?: string; deadlineWorkingDays?: number }): void {
    if (cmd.deadlineWorkingDays !== undefined && !(Number.isInteger(cmd.deadlineWorkingDays) && cmd.deadlineWorkingDays >= 1 && cmd.deadlineWorkingDays <= 60)) {
      this.invalid('Số ngày làm việc để bổ sung (deadlineWorkingDays) phải là số nguyên từ 1 đến 60.');
    }
    if (cmd.deadline === undefined) return;
    if (cmd.deadlineWorkingDays !== undefined) this.invalid('Chỉ ghi hạn bổ sung (deadline) hoặc số ngày làm việc (deadlineWorkingDays), không ghi cả hai.');
    const at = Date.parse(cmd.deadline);
    if (Number.isNaN(at) || at <= Date.now() || at > Date.now() + 120 * 86_400_000) {
      this.invalid('Hạn bổ sung (deadline) phải là một thời điểm trong vòng 120 ngày tới.');
    }
  }

  /** Deadline actions need the ledger: the action's rules checked it (allow), so it is there. */
  requireLedger(): DeadlineState {
    return this.state.deadline!;
  }
}
