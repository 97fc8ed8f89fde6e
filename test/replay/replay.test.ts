import fs from 'node:fs';
import path from 'node:path';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { workflowsEntry } from '../../platform/workflows-entry';
import { withoutWorkflowStackTraces } from '../../worker/workflow-stack-traces';

/**
 * Replays histories recorded from real runs (RECORD_HISTORIES=1 npm test rewrites them)
 * against the current workflow code. A change that would break running dossiers fails
 * here with a non-determinism error: guard it with `patched()` as the README explains.
 */
const HISTORIES = path.join(__dirname, '..', 'histories');

// Replay workers log every start and stop at INFO: keep the test output to what matters.
Runtime.install({ logger: new DefaultLogger('WARN') });

describe('replay of recorded dossier histories', () => {
  const files = fs.readdirSync(HISTORIES).filter((f) => f.endsWith('.json'));

  it('has recorded histories to replay', () => {
    expect(files).toContain('walking-skeleton.json');
  });

  // As the worker runs them (worker/workflow-stack-traces.ts): in workflow threads, without the SDK's promise stack traces.
  it('every history replays in workflow threads with the SDK\'s promise stack traces off, as the worker runs them', async () => {
    const histories = files.map((file) => {
      const history = JSON.parse(fs.readFileSync(path.join(HISTORIES, file), 'utf8'));
      return { workflowId: recordedWorkflowId(history) ?? `replay-${file}`, history };
    });
    const failed: string[] = [];
    let replayed = 0;
    let threads = 0;
    // The replay worker runs workflows in this thread unless told otherwise (its typed options leave debugMode out; it takes it).
    const options = { workflowsPath: workflowsEntry(), replayName: 'no-stack-traces', debugMode: false };
    await withoutWorkflowStackTraces(
      async () => {
        for await (const r of Worker.runReplayHistories(options, histories)) {
          replayed += 1;
          if (r.error) failed.push(`${r.workflowId}: ${r.error.message}`);
        }
      },
      () => (threads += 1),
    );
    expect(failed).toEqual([]);
    expect(replayed).toBe(files.length);
    expect(threads).toBeGreaterThan(0);
  });

  it.each(files)('%s replays deterministically on the current code', async (file) => {
    const history = JSON.parse(fs.readFileSync(path.join(HISTORIES, file), 'utf8'));
    await expect(
      Worker.runReplayHistory({ workflowsPath: workflowsEntry(), replayName: file }, history, recordedWorkflowId(history) ?? `replay-${file}`),
    ).resolves.toBeUndefined();
  });
});

/**
 * The workflow ID a history ran under, where the code depends on it: an inter-agency leg's or
 * consultation's child ID is derived from its dossier's (`${id}/leg/…`, `${id}/consult/…`), so a
 * dossier that started children replays under its own ID. Others replay under any ID.
 */
function recordedWorkflowId(history: { events?: Array<Record<string, unknown>> }): string | null {
  for (const e of history.events ?? []) {
    const child = e.startChildWorkflowExecutionInitiatedEventAttributes as { workflowId?: string } | undefined;
    const m = child?.workflowId?.match(/^(.*)\/(leg|consult)\//);
    if (m) return m[1]!;
  }
  return null;
}
