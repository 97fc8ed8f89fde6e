import { condition, patched } from '@temporalio/workflow';
import { FAILURE_TYPES } from '../contracts/dossier-v1';
import type { HandOverResultCommand, ShipmentEventCommand } from '../contracts/dossier-v1';
import { awaitFeeBeforeResult } from './fees';
import { ONE_STOP_UNIT, POST_OFFICE, type Action, type Dossier, type Transition } from './state';

/**
 * Trả kết quả (docs/domain.md §7): online (the e-result is published to the applicant's
 * account), at the counter (who collected it is recorded), or by public post (tracked until
 * delivered, or returned to the counter). Then the dossier is complete.
 */

/** After approval: wait for any unpaid fee, deliver by the registered method, complete. */
export async function deliverResult(d: Dossier): Promise<void> {
  const { input } = d;
  if (d.state.fast) return deliverFast(d);
  await awaitFeeBeforeResult(d);
  if (input.deliveryMethod === 'online') {
    // Trả kết quả trực tuyến: the e-result is published to the applicant's account and they are told.
    await d.transition({ to: 'RESULT_DELIVERED', type: 'result_delivered_online', by: null, projection: { resultDeliveredAt: d.now() }, data: { deliveryMethod: 'online' }, handoff: { close: true } });
  } else {
    if (input.deliveryMethod === 'postal' && patched('postal-v1')) await sendByPost(d);
    await condition(() => d.state.status === 'RESULT_DELIVERED' && !d.state.busy);
  }
  await d.notify('result_delivered');
  await d.transition({ to: 'COMPLETED', type: 'completed', by: null, projection: { completedAt: d.now() } });
}

/**
 * The fast path's delivery: the same events, with local activities, the message written with its
 * event, and never in the workflow task that answers the Update that led here (the decision, the
 * payment, the hand-over), whose answer would wait for these writes (Dossier.nextTask).
 */
async function deliverFast(d: Dossier): Promise<void> {
  const { input, state } = d;
  await d.nextTask();
  if (!state.fee.paid) {
    await awaitFeeBeforeResult(d);
    await d.nextTask();
  }
  if (input.deliveryMethod === 'online') {
    const delivered: Transition = {
      to: 'RESULT_DELIVERED',
      type: 'result_delivered_online',
      by: null,
      projection: { resultDeliveredAt: d.now() },
      data: { deliveryMethod: 'online' },
      handoff: { close: true },
      notify: 'result_delivered',
    };
    const completed: Transition = { to: 'COMPLETED', type: 'completed', by: null, projection: { completedAt: d.now() } };
    // Patch merged-records-v1: both events in one local activity.
    if (state.merged) return d.transitions([delivered, completed]);
    await d.transition(delivered);
    await d.transition(completed);
    return;
  }
  // Runs on the fast path began after postal-v1: the post is used without asking the patch again.
  if (input.deliveryMethod === 'postal') await sendByPost(d);
  await condition(() => state.status === 'RESULT_DELIVERED' && !state.busy);
  await d.nextTask();
  // Handed over or delivered by the post (an Update recorded it): the message goes with the completion.
  await d.transition({ to: 'COMPLETED', type: 'completed', by: null, projection: { completedAt: d.now() }, notify: 'result_delivered' });
}

async function sendByPost(d: Dossier): Promise<void> {
  try {
    const shipment = await d.rec.shipResult({ dossierId: d.input.dossierId });
    d.state.shipment = { trackingNumber: shipment.trackingNumber, status: 'accepted' };
    await d.transition({
      to: 'RESULT_IN_TRANSIT',
      type: 'result_posted',
      by: null,
      data: { trackingNumber: shipment.trackingNumber, postageVnd: shipment.feeVnd },
      handoff: { close: true, open: { step: 'postal', giverId: null, giverUnit: ONE_STOP_UNIT, receiverId: null, receiverUnit: POST_OFFICE, dueAt: null } },
    });
  } catch (err) {
    // The post would not take it (an address it cannot serve): the result waits at the counter.
    await d.transition({ to: d.state.status, type: 'postal_refused', by: null, data: { reason: (err as Error).message } });
  }
}

/** The result handed over at the counter, and to whom. */
export const handOverResult: Action<HandOverResultCommand> = {
  validate(d, cmd) {
    // Not while with the post, never for an online result, never before the fee is paid: the rules say so.
    d.allow('handOverResult', cmd.actor);
    d.requireText(cmd.receivedBy, 'receivedBy');
  },
  async run(d, cmd) {
    await d.transition({
      to: 'RESULT_DELIVERED',
      type: 'result_handed_over',
      by: { actor: cmd.actor, role: 'one_stop_officer' },
      projection: { resultDeliveredAt: d.now() },
      data: { deliveryMethod: d.input.deliveryMethod, receivedBy: cmd.receivedBy, note: cmd.note ?? null },
      handoff: { close: true },
    });
    return d.view();
  },
};

/** A verified status report of the post about the result's shipment. */
export const recordShipmentEvent: Action<ShipmentEventCommand> = {
  validate(d, cmd) {
    d.requireIdle('RESULT_IN_TRANSIT', 'ghi nhận trạng thái bưu gửi');
    if (cmd.trackingNumber !== d.state.shipment?.trackingNumber) {
      d.refuse(`Kết quả của hồ sơ ${d.code} không được gửi với số hiệu bưu gửi ${cmd.trackingNumber}.`, FAILURE_TYPES.invalidState, 'UnknownShipment');
    }
    if (!['accepted', 'in_transit', 'out_for_delivery', 'delivered', 'returned', 'cancelled'].includes(cmd.status)) {
      d.invalid(`Trạng thái bưu gửi "${String(cmd.status)}" không hợp lệ.`);
    }
  },
  async run(d, cmd) {
    d.state.shipment = { trackingNumber: cmd.trackingNumber, status: cmd.status };
    const data = { trackingNumber: cmd.trackingNumber, status: cmd.status, occurredAt: cmd.occurredAt, receivedBy: cmd.receivedBy ?? null, returnReason: cmd.returnReason ?? null };
    if (cmd.status === 'delivered') {
      await d.transition({ to: 'RESULT_DELIVERED', type: 'result_delivered_by_post', by: null, projection: { resultDeliveredAt: cmd.occurredAt }, data, handoff: { close: true } });
    } else if (cmd.status === 'returned') {
      // Chuyển hoàn: the result comes back to the counter, where the citizen collects it.
      await d.transition({
        to: 'RESULT_RETURNED',
        type: 'result_returned_by_post',
        by: null,
        data,
        handoff: { close: true, open: { step: 'result', giverId: null, giverUnit: POST_OFFICE, receiverId: null, receiverUnit: ONE_STOP_UNIT, dueAt: null } },
      });
    } else {
      await d.transition({ to: d.state.status, type: `postal_${cmd.status}`, by: null, data });
    }
    return d.view();
  },
};
