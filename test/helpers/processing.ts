import type { Locator, Page } from 'playwright-core';
import { expect } from 'vitest';
import { eventually, http, submitReady } from './stack';

/**
 * Dossiers at the specialist's step for the console's processing suites, set up through the
 * API as the earlier steps would leave them: submitted online (fee paid at the counter),
 * accepted by the one-stop officer, with `specialist` as the assignee (the leader reassigns it
 * when the automatic assignment chose another one).
 */
export async function dossierInReview(baseUrl: string, idNumber: string, specialist = 'chuyenvien.saigon1'): Promise<string> {
  const { code } = await submitReady(baseUrl, idNumber, 'console-processing');
  const accepted = await http('POST', `${baseUrl}/api/v1/dossiers/${code}/intake/accept`, { body: {}, headers: { 'X-User-Id': 'motcua.saigon', 'Idempotency-Key': `accept-${code}` } });
  if (accepted.status !== 200) throw new Error(`intake/accept: ${accepted.status} ${JSON.stringify(accepted.body)}`);
  // The automatic assignment follows the acceptance's answer (issue 18): wait for it before choosing the specialist.
  const view = await eventually(() => officerView(baseUrl, code), (v) => v.status.code === 'IN_REVIEW' || (v.status.code === 'RECEIVED' && !!v.assignee));
  if (view.assignee?.fullName !== FULL_NAMES[specialist]) {
    const assigned = await http('POST', `${baseUrl}/api/v1/dossiers/${code}/assignment`, { body: { specialist }, headers: { 'X-User-Id': 'lanhdao.saigon' } });
    if (assigned.status !== 200) throw new Error(`assignment: ${assigned.status} ${JSON.stringify(assigned.body)}`);
  }
  return code;
}

const FULL_NAMES: Record<string, string> = { 'chuyenvien.saigon1': 'Lê Văn Hùng', 'chuyenvien.saigon2': 'Phạm Thu Hà' };

/** The dossier as the agency's leader reads it (GET /api/v1/dossiers/{code}). */
export async function officerView(baseUrl: string, code: string, user = 'lanhdao.saigon'): Promise<any> {
  const r = await http('GET', `${baseUrl}/api/v1/dossiers/${code}`, { headers: { 'X-User-Id': user } });
  if (r.status !== 200) throw new Error(`GET dossier: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

/** Waits until the dossier reaches `status` (the API's code). */
export const statusBecomes = (baseUrl: string, code: string, status: string) => eventually(() => officerView(baseUrl, code), (v) => v.status.code === status);

/** The action button of the dossier page (ActionBar), by the action's name. */
export const actionButton = (page: Page, action: string): Locator => page.locator(`[data-action="${action}"]`);

/** The open action dialog. */
export const dialog = (page: Page): Locator => page.getByRole('dialog');

/**
 * Keyboard only: presses Tab (Shift+Tab with `back`) until the focused element matches
 * `selector`, as an officer would reach a button without the mouse. Fails after `max` presses.
 */
export async function tabTo(page: Page, selector: string, opts: { back?: boolean; max?: number } = {}): Promise<void> {
  for (let i = 0; i < (opts.max ?? 80); i++) {
    if (await focused(page, selector)) return;
    await page.keyboard.press(opts.back ? 'Shift+Tab' : 'Tab');
  }
  throw new Error(`Tab never reached ${selector}`);
}

/** Whether the focused element matches `selector`. */
export const focused = (page: Page, selector: string): Promise<boolean> => page.evaluate(`!!document.activeElement?.matches(${JSON.stringify(selector)})`);

/**
 * Expects the focus back on the action's button once its dialog has closed, or, once the
 * action is done and no longer offered, on the first action left (or the words saying there is none).
 */
export async function expectFocusBack(page: Page, action: string): Promise<void> {
  await expect.poll(() => dialog(page).count()).toBe(0);
  await expect
    .poll(async () => (await page.locator(`[data-action="${action}"]`).count()) ? focused(page, `[data-action="${action}"]`) : focused(page, '[data-action], [data-testid="no-actions"]'))
    .toBe(true);
}
