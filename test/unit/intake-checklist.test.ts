import { describe, expect, it } from 'vitest';
import { toOffsetIso, WorkingCalendar } from '../../domain/calendar';
import { checklistStatus, matchChecklistItem, type ChecklistItem, type DossierDocumentEntry } from '../../domain/checklist';
import { deriveDeadline, type ClockEntry } from '../../domain/clock-ledger';
import { VN_STATE_CALENDAR } from '../../domain/holidays-vn';

/** The checklist rule at intake (docs/domain.md §3.1) and a clock that counts from the fee's payment (§3.4). */
const ITEMS: ChecklistItem[] = [
  { position: 1, name: 'Giấy đề nghị đăng ký hộ kinh doanh', required: true, copies: 1 },
  { position: 2, name: 'Bản sao biên bản họp thành viên hộ gia đình (nếu có)', required: false, copies: 1 },
  { position: 3, name: 'Bản sao căn cước của chủ hộ', required: true, copies: 1 },
];
const doc = (name: string | null, checklistItem: number | null = null, documentId: string | null = null): DossierDocumentEntry => ({
  documentId,
  name,
  checklistItem,
  form: documentId ? 'file' : 'paper',
  source: 'submission',
});

describe('the intake checklist', () => {
  it('matches a document by the position it names, else by its name (case, Unicode form and spacing aside)', () => {
    expect(matchChecklistItem(ITEMS, doc('Biên bản họp (bản sao)', 2))?.position).toBe(2);
    expect(matchChecklistItem(ITEMS, doc('  GIẤY ĐỀ NGHỊ   đăng ký hộ kinh doanh '))?.position).toBe(1);
    // Decomposed Vietnamese letters (NFD) read as the composed ones.
    expect(matchChecklistItem(ITEMS, doc('Bản sao căn cước của chủ hộ'.normalize('NFD')))?.position).toBe(3);
    expect(matchChecklistItem(ITEMS, doc('Giấy đề nghị'))).toBeNull();
    // A position the checklist does not have falls back to the name.
    expect(matchChecklistItem(ITEMS, doc('Giấy đề nghị đăng ký hộ kinh doanh', 9))?.position).toBe(1);
  });

  it('lists each item supplied, waived, missing or (optional) not supplied, and the documents matching none', () => {
    const s = checklistStatus(ITEMS, [doc('Giấy đề nghị đăng ký hộ kinh doanh', null, 'f-1'), doc('Ảnh chụp cửa hàng')]);
    expect(s.items.map((l) => l.status)).toEqual(['supplied', 'not_supplied', 'missing']);
    expect(s.items[0]!.documents).toEqual([{ documentId: 'f-1', name: 'Giấy đề nghị đăng ký hộ kinh doanh', form: 'file', source: 'submission' }]);
    expect(s).toMatchObject({ complete: false, missing: [{ item: 3, name: 'Bản sao căn cước của chủ hộ' }], unmatched: [{ documentId: null, name: 'Ảnh chụp cửa hàng' }] });
    const waived = checklistStatus(ITEMS, [doc('Giấy đề nghị đăng ký hộ kinh doanh')], [{ item: 3, reason: 'Đã đối chiếu căn cước tại quầy' }]);
    expect(waived).toMatchObject({ complete: true, missing: [] });
    expect(waived.items[2]).toMatchObject({ status: 'waived', waiver: { reason: 'Đã đối chiếu căn cước tại quầy' } });
  });
});

describe('a clock that counts from the fee', () => {
  const cal = new WorkingCalendar(VN_STATE_CALENDAR);
  it('received Mon 7 Dec 2026 09:00, fee paid Tue 8 Dec 14:00: 3 wd from the payment → Fri 11 Dec 14:00, the receipt kept', () => {
    const entries: ClockEntry[] = [
      {
        kind: 'start',
        at: new Date('2026-12-08T14:00:00+07:00').toISOString(),
        limit: { unit: 'working_days', value: 3 },
        basis: 'Nghị định 297/2025/NĐ-CP, điều 6 khoản 2',
        countsFrom: 'fee_payment',
        receivedAt: new Date('2026-12-07T09:00:00+07:00').toISOString(),
      },
    ];
    const d = deriveDeadline(cal, entries, new Date('2026-12-08T15:00:00+07:00'));
    expect(d.dueAt).toBe('2026-12-11T14:00:00+07:00');
    expect(d.receivedAt).toBe('2026-12-07T09:00:00+07:00');
    expect(d.countingFrom).toBe('2026-12-08T14:00:00+07:00');
    expect(d.countedMinutes).toBe(60);
    expect(d.explanation[0]).toBe(
      'Tiếp nhận hồ sơ đầy đủ, hợp lệ lúc 09:00 thứ Hai 07/12/2026; đã nộp phí, lệ phí lúc 14:00 thứ Ba 08/12/2026. Thời hạn giải quyết 3 ngày làm việc được tính từ khi nhận đủ hồ sơ và phí, lệ phí (Nghị định 297/2025/NĐ-CP, điều 6 khoản 2), tức từ 14:00 thứ Ba 08/12/2026, theo lịch VN-STATE phiên bản 1 (8 giờ làm việc mỗi ngày).',
    );
    // Counted from the receipt it would have been due three days earlier in the week.
    expect(toOffsetIso(cal.appointment(new Date('2026-12-07T09:00:00+07:00'), { unit: 'working_days', value: 3 }))).toBe('2026-12-10T09:00:00+07:00');
  });
});
