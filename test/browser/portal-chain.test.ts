import { describe, expect, it } from 'vitest';
import { expectAccessible, screenshot, useBrowser } from '../helpers/browser';
import { applicantIds, citizenToken, eventually, http, uniqueKey } from '../helpers/stack';
import { useStack } from '../helpers/use-stack';

/**
 * The public lookup of an inter-agency chain (liên thông, ND 297/2025) in the browser: the one
 * code shows every stage with its agency and status, and the chain's limit; checked by axe.
 */
describe('portal: an inter-agency chain in the lookup', () => {
  const stack = useStack({ name: 'browser-chain' });
  const nextId = applicantIds('0816');
  const { open } = useBrowser();

  it('the chain code shows the three stages, their agencies and statuses', async () => {
    const idNumber = nextId();
    const r = await http('POST', `${stack.api.baseUrl}/api/v1/citizen/chains/LT-297-KARAOKE/submissions`, {
      body: { deliveryMethod: 'online', applicant: { fullName: 'Trần Văn Ca', idNumber }, documents: [{ name: 'Giấy đề nghị đăng ký hộ kinh doanh' }] },
      headers: { 'Idempotency-Key': uniqueKey('browser-chain'), Authorization: `Bearer ${await citizenToken(idNumber)}` },
    });
    expect(r.status).toBe(201);
    const code: string = r.body.code;
    await eventually(() => http('GET', `${stack.api.baseUrl}/api/v1/status/${code}`), (s) => s.body.history?.length === 1);

    const t = await open();
    const page = t.page;
    await page.goto(`${stack.api.baseUrl}/tra-cuu`);
    await page.getByLabel('Mã hồ sơ').fill(code);
    await page.getByLabel('4 số cuối CCCD/CMND').fill(idNumber.slice(-4));
    await page.getByRole('button', { name: 'Tra cứu' }).click();
    const stages = page.getByTestId('chain-stages');
    await expect.poll(() => stages.isVisible()).toBe(true);
    const text = await stages.innerText();
    expect(text).toContain('karaoke');
    expect(text).toContain('16 ngày làm việc');
    for (const agency of ['Ủy ban nhân dân Phường Sài Gòn', 'Công an Phường Sài Gòn', 'Sở Văn hóa và Thể thao']) expect(text).toContain(agency);
    expect(text).toContain(code);
    expect(text).toContain('Chưa bắt đầu');
    expect(await stages.locator('tbody tr').count()).toBe(3);
    await expectAccessible(page, 'lookup (chain)');
    await screenshot(page, 'portal-lookup-chain-1366', { fullPage: true });
  });
});
