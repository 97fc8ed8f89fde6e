import type { Client } from '@temporalio/client';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';

/**
 * What a real dossier's Temporal history says of its Updates: each one's name, the command the
 * API sent and the view the workflow answered, in the order they were accepted; and the start
 * input. The baselines of scenario (b) replay these, so that their payloads are the system's.
 */
export interface CapturedUpdate {
  update: string;
  updateId: string;
  command: unknown;
  view: unknown;
}

export interface CapturedHistory {
  workflowId: string;
  startInput: unknown;
  updates: CapturedUpdate[];
}

const decode = (p: Payload | null | undefined): unknown => (p ? defaultPayloadConverter.fromPayload(p) : undefined);

export async function captureHistory(client: Client, workflowId: string): Promise<CapturedHistory> {
  const h = await client.workflow.getHandle(workflowId).fetchHistory();
  let startInput: unknown;
  const byId = new Map<string, CapturedUpdate>();
  const order: CapturedUpdate[] = [];
  for (const e of h.events ?? []) {
    const started = e.workflowExecutionStartedEventAttributes;
    if (started) startInput = decode(started.input?.payloads?.[0] as Payload | undefined);
    const accepted = e.workflowExecutionUpdateAcceptedEventAttributes;
    if (accepted?.acceptedRequest) {
      const req = accepted.acceptedRequest;
      const u: CapturedUpdate = {
        update: String(req.input?.name ?? ''),
        updateId: String(req.meta?.updateId ?? accepted.protocolInstanceId ?? ''),
        command: decode(req.input?.args?.payloads?.[0] as Payload | undefined),
        view: null,
      };
      byId.set(u.updateId, u);
      order.push(u);
    }
    const completed = e.workflowExecutionUpdateCompletedEventAttributes;
    if (completed) {
      const u = byId.get(String(completed.meta?.updateId ?? ''));
      if (u) u.view = decode(completed.outcome?.success?.payloads?.[0] as Payload | undefined) ?? null;
    }
  }
  return { workflowId, startInput, updates: order };
}

/** JSON bytes of a value as the default data converter encodes it. */
export const jsonBytes = (v: unknown): number => (v === undefined ? 0 : Buffer.byteLength(JSON.stringify(v)));
