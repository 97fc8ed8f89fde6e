import type { Knex } from 'knex';
import type { TimeLimit } from '../../domain/calendar';

/**
 * Procedure catalogue (docs/domain.md §10). Amounts marked "example" are set by a
 * provincial council or vary by case; an agency edits them in its own catalogue.
 * Idempotent: each procedure is upserted by code and its children replaced.
 */
interface SeedProcedure {
  code: string;
  nationalCode: string | null;
  name: string;
  field: string;
  legalBasis: string;
  timeLimit: TimeLimit;
  onlineLevel: 'full' | 'partial';
  onSiteVerification: boolean;
  feeTiming: 'none' | 'at_submission' | 'before_processing' | 'at_result';
  clockPolicy?: 'PAUSE' | 'RESTART' | 'CONTINUE';
  /** The time limit counts from a complete dossier and the fee paid (ND 297/2025 art. 6(2)). */
  clockFromFee?: boolean;
  resultName: string;
  notes?: string;
  fees: Array<{ channel: 'counter' | 'online' | 'postal'; name: string; amount: number; note?: string }>;
  documents: Array<string | { name: string; required?: boolean; copies?: number }>;
  agencies: string[];
}

const allChannels = (name: string, amount: number, note?: string) =>
  (['counter', 'online', 'postal'] as const).map((channel) => ({ channel, name, amount, note }));

export const SEED_PROCEDURES: SeedProcedure[] = [
  {
    code: 'CA-THUONGTRU',
    nationalCode: '1.004222',
    name: 'Đăng ký thường trú',
    field: 'Đăng ký, quản lý cư trú',
    legalBasis: 'Luật Cư trú 2020, điều 22; Thông tư 75/2022/TT-BTC (lệ phí)',
    timeLimit: { unit: 'working_days', value: 7 },
    onlineLevel: 'full',
    onSiteVerification: true,
    feeTiming: 'at_submission',
    resultName: 'Thông báo kết quả đăng ký thường trú',
    notes: 'Công an có thể xác minh chỗ ở hợp pháp khi chưa có dữ liệu; tiếp nhận cả sáng thứ Bảy.',
    fees: [
      { channel: 'counter', name: 'Lệ phí đăng ký cư trú', amount: 20_000 },
      { channel: 'postal', name: 'Lệ phí đăng ký cư trú', amount: 20_000 },
      { channel: 'online', name: 'Lệ phí đăng ký cư trú', amount: 10_000 },
    ],
    documents: ['Tờ khai thay đổi thông tin cư trú (CT01)', 'Giấy tờ, tài liệu chứng minh chỗ ở hợp pháp'],
    agencies: ['000.20.21.H29'],
  },
  {
    code: 'CA-TAMTRU',
    nationalCode: '1.004194',
    name: 'Đăng ký tạm trú',
    field: 'Đăng ký, quản lý cư trú',
    legalBasis: 'Luật Cư trú 2020, điều 28; Thông tư 75/2022/TT-BTC (lệ phí)',
    timeLimit: { unit: 'working_days', value: 3 },
    onlineLevel: 'full',
    onSiteVerification: true,
    feeTiming: 'at_submission',
    resultName: 'Thông báo kết quả đăng ký tạm trú',
    fees: [
      { channel: 'counter', name: 'Lệ phí đăng ký cư trú', amount: 15_000 },
      { channel: 'postal', name: 'Lệ phí đăng ký cư trú', amount: 15_000 },
      { channel: 'online', name: 'Lệ phí đăng ký cư trú', amount: 10_000 },
    ],
    documents: ['Tờ khai thay đổi thông tin cư trú (CT01)', 'Giấy tờ, tài liệu chứng minh chỗ ở hợp pháp'],
    agencies: ['000.20.21.H29'],
  },
  {
    code: 'TP-TRICHLUC',
    nationalCode: '2.000635',
    name: 'Cấp bản sao trích lục hộ tịch',
    field: 'Hộ tịch',
    legalBasis: 'Luật Hộ tịch 2014; Nghị định 123/2015/NĐ-CP; Thông tư 281/2016/TT-BTC (phí)',
    timeLimit: { unit: 'same_day', cutoff: '15:00' },
    onlineLevel: 'full',
    onSiteVerification: false,
    feeTiming: 'at_submission',
    resultName: 'Bản sao trích lục hộ tịch',
    notes: 'Trả trong ngày; tiếp nhận sau 15 giờ thì trả trong ngày làm việc tiếp theo.',
    fees: allChannels('Phí cấp bản sao trích lục hộ tịch', 8_000, 'mỗi bản sao'),
    documents: ['Tờ khai yêu cầu cấp bản sao trích lục hộ tịch', { name: 'Văn bản ủy quyền (nếu ủy quyền)', required: false }],
    agencies: ['000.00.12.H29', '000.20.20.H29'],
  },
  {
    code: 'TP-SAOSOGOC',
    nationalCode: '2.000908',
    name: 'Cấp bản sao từ sổ gốc',
    field: 'Chứng thực',
    legalBasis: 'Nghị định 23/2015/NĐ-CP',
    timeLimit: { unit: 'same_day', cutoff: '15:00' },
    onlineLevel: 'full',
    onSiteVerification: false,
    feeTiming: 'none',
    resultName: 'Bản sao từ sổ gốc',
    fees: [],
    documents: ['Đơn đề nghị cấp bản sao từ sổ gốc', 'Giấy tờ tùy thân của người yêu cầu'],
    agencies: ['000.20.20.H29'],
  },
  {
    code: 'TP-CHUNGTHUC',
    nationalCode: null,
    name: 'Chứng thực bản sao từ bản chính',
    field: 'Chứng thực',
    legalBasis: 'Nghị định 23/2015/NĐ-CP; Thông tư 226/2016/TT-BTC (phí)',
    timeLimit: { unit: 'same_day', cutoff: '15:00' },
    onlineLevel: 'partial',
    onSiteVerification: false,
    feeTiming: 'at_submission',
    resultName: 'Bản sao được chứng thực từ bản chính',
    notes: 'Phí 2.000 đồng/trang; từ trang thứ ba 1.000 đồng/trang; tối đa 200.000 đồng/bản.',
    fees: allChannels('Phí chứng thực bản sao', 2_000, 'mỗi trang (2 trang đầu); từ trang 3: 1.000 đồng/trang; tối đa 200.000 đồng/bản'),
    documents: ['Bản chính giấy tờ, văn bản', 'Bản sao cần chứng thực'],
    agencies: ['000.20.20.H29'],
  },
  {
    code: 'KT-HKD',
    nationalCode: null,
    name: 'Đăng ký thành lập hộ kinh doanh',
    field: 'Thành lập và hoạt động của hộ kinh doanh',
    legalBasis: 'Nghị định 168/2025/NĐ-CP; Nghị định 297/2025/NĐ-CP (liên thông điện tử); Thông tư 85/2019/TT-BTC',
    timeLimit: { unit: 'working_days', value: 3 },
    onlineLevel: 'full',
    onSiteVerification: false,
    feeTiming: 'at_submission',
    clockPolicy: 'RESTART', // ND 297/2025: the limit restarts once the complete dossier arrives
    clockFromFee: true, // ND 297/2025 art. 6(2): from the complete dossier and the fee paid
    resultName: 'Giấy chứng nhận đăng ký hộ kinh doanh',
    notes: 'Thời hạn tính từ khi nhận đủ hồ sơ hợp lệ và đã nộp lệ phí.',
    fees: [
      { channel: 'counter', name: 'Lệ phí đăng ký hộ kinh doanh', amount: 100_000, note: 'ví dụ; do HĐND tỉnh quy định' },
      { channel: 'postal', name: 'Lệ phí đăng ký hộ kinh doanh', amount: 100_000, note: 'ví dụ; do HĐND tỉnh quy định' },
      { channel: 'online', name: 'Lệ phí đăng ký hộ kinh doanh', amount: 50_000, note: 'ví dụ; do HĐND tỉnh quy định' },
    ],
    documents: ['Giấy đề nghị đăng ký hộ kinh doanh', { name: 'Bản sao biên bản họp thành viên hộ gia đình (nếu có)', required: false }, { name: 'Văn bản ủy quyền (nếu ủy quyền)', required: false }],
    agencies: ['000.20.20.H29'],
  },
  {
    code: 'CA-ANTT',
    nationalCode: null,
    name: 'Cấp Giấy chứng nhận đủ điều kiện về an ninh, trật tự',
    field: 'Quản lý ngành, nghề đầu tư kinh doanh có điều kiện về an ninh, trật tự',
    legalBasis: 'Nghị định 96/2016/NĐ-CP; Nghị định 297/2025/NĐ-CP; Thông tư 218/2016/TT-BTC (phí)',
    timeLimit: { unit: 'working_days', value: 3 },
    onlineLevel: 'full',
    onSiteVerification: true,
    feeTiming: 'at_submission',
    clockPolicy: 'RESTART', // ND 297/2025: the limit restarts once the complete dossier arrives
    resultName: 'Giấy chứng nhận đủ điều kiện về an ninh, trật tự',
    fees: allChannels('Phí thẩm định cấp giấy chứng nhận đủ điều kiện về ANTT', 300_000),
    documents: ['Văn bản đề nghị cấp Giấy chứng nhận', 'Bản sao giấy chứng nhận đăng ký kinh doanh', 'Bản khai lý lịch của người chịu trách nhiệm về ANTT'],
    agencies: ['000.20.21.H29'],
  },
  {
    code: 'VH-KARAOKE',
    nationalCode: null,
    name: 'Cấp Giấy phép đủ điều kiện kinh doanh dịch vụ karaoke',
    field: 'Văn hóa',
    legalBasis: 'Nghị định 54/2019/NĐ-CP; Nghị định 297/2025/NĐ-CP; Thông tư 01/2021/TT-BTC (phí)',
    timeLimit: { unit: 'working_days', value: 10 },
    onlineLevel: 'full',
    onSiteVerification: true,
    feeTiming: 'at_submission',
    clockPolicy: 'RESTART', // ND 297/2025: the limit restarts once the complete dossier arrives
    resultName: 'Giấy phép đủ điều kiện kinh doanh dịch vụ karaoke',
    notes: 'Thẩm định thực tế: 3 ngày lập đoàn, 4 ngày thẩm định, 3 ngày cấp phép.',
    fees: allChannels('Phí thẩm định cấp giấy phép kinh doanh karaoke', 4_000_000, 'ví dụ: từ 01 đến 03 phòng, tại thành phố trực thuộc trung ương'),
    documents: ['Đơn đề nghị cấp giấy phép', 'Bản sao giấy chứng nhận đủ điều kiện về phòng cháy, chữa cháy', 'Bản vẽ mặt bằng các phòng hát'],
    agencies: ['000.00.23.H29'],
  },
  {
    code: 'TP-LLTP',
    nationalCode: null,
    name: 'Cấp Phiếu lý lịch tư pháp',
    field: 'Lý lịch tư pháp',
    legalBasis: 'Luật Lý lịch tư pháp 2009, điều 48; Thông tư 244/2016/TT-BTC (phí)',
    timeLimit: { unit: 'calendar_days', value: 10 },
    onlineLevel: 'partial',
    onSiteVerification: true,
    feeTiming: 'at_submission',
    resultName: 'Phiếu lý lịch tư pháp',
    notes: 'Tối đa 15 ngày khi phải xác minh; nộp trực tuyến qua VNeID, nhận kết quả giấy tại quầy hoặc qua bưu chính.',
    fees: allChannels('Phí cung cấp thông tin lý lịch tư pháp', 200_000),
    documents: ['Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp', 'Bản chụp giấy tờ tùy thân'],
    agencies: ['000.00.12.H29'],
  },
  {
    code: 'DD-DANGKYLANDAU',
    nationalCode: null,
    name: 'Đăng ký đất đai, tài sản gắn liền với đất lần đầu và cấp Giấy chứng nhận',
    field: 'Đất đai',
    legalBasis: 'Luật Đất đai 2024; Nghị định 151/2025/NĐ-CP, phụ lục I phần V',
    timeLimit: { unit: 'working_days', value: 20 },
    onlineLevel: 'partial',
    onSiteVerification: true,
    feeTiming: 'at_result',
    resultName: 'Giấy chứng nhận quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất',
    notes: 'Đăng ký ≤17 ngày làm việc + cấp giấy ≤3 ngày; thời gian thực hiện nghĩa vụ tài chính không tính; +10 ngày ở xã vùng khó khăn.',
    fees: allChannels('Lệ phí cấp Giấy chứng nhận (cá nhân)', 100_000, 'ví dụ Hà Nội; tổ chức 500.000 đồng'),
    documents: ['Đơn đăng ký đất đai, tài sản gắn liền với đất (Mẫu 04/ĐK)', 'Giấy tờ về quyền sử dụng đất', { name: 'Mảnh trích đo địa chính (nếu có)', required: false }],
    agencies: ['000.00.31.H29'],
  },
  {
    // Processed by the department and the City People's Committee (inter-agency), as in Hanoi 1594/QĐ-TTPVHCC (docs/domain.md §2.2).
    code: 'TG-DOITRUSO',
    nationalCode: null,
    name: 'Đăng ký thay đổi trụ sở của tổ chức tôn giáo',
    field: 'Tôn giáo',
    legalBasis: 'Luật Tín ngưỡng, tôn giáo 2016; Nghị định 95/2023/NĐ-CP',
    timeLimit: { unit: 'working_days', value: 30 },
    onlineLevel: 'full',
    onSiteVerification: false,
    feeTiming: 'none',
    resultName: 'Văn bản chấp thuận việc thay đổi trụ sở của tổ chức tôn giáo',
    notes: 'Sở Dân tộc và Tôn giáo thẩm định, trình Ủy ban nhân dân Thành phố quyết định; có lấy ý kiến Công an và Ủy ban nhân dân cấp xã nơi đặt trụ sở mới.',
    fees: [],
    documents: [
      'Văn bản đăng ký thay đổi trụ sở (nêu lý do, địa điểm trụ sở mới)',
      'Giấy tờ chứng minh quyền sử dụng hợp pháp địa điểm trụ sở mới',
      'Văn bản chấp thuận của tổ chức tôn giáo cấp trên (nếu có)',
    ],
    agencies: ['000.00.35.H29'],
  },
  {
    // With an explicit on-site inspection step in its internal procedure (docs/domain.md §3.9, §10 row 14).
    code: 'XD-GPXD',
    nationalCode: null,
    name: 'Cấp giấy phép xây dựng nhà ở riêng lẻ',
    field: 'Xây dựng',
    legalBasis: 'Luật Xây dựng 2014 (sửa đổi 2020) điều 102; Nghị định 175/2024/NĐ-CP',
    timeLimit: { unit: 'working_days', value: 15 },
    onlineLevel: 'partial',
    onSiteVerification: true,
    feeTiming: 'at_result',
    resultName: 'Giấy phép xây dựng nhà ở riêng lẻ',
    notes: 'Kiểm tra thực địa khu đất xây dựng trước khi cấp phép.',
    fees: allChannels('Lệ phí cấp giấy phép xây dựng nhà ở riêng lẻ', 75_000),
    documents: ['Đơn đề nghị cấp giấy phép xây dựng (Mẫu số 01)', 'Giấy tờ chứng minh quyền sử dụng đất', 'Bản vẽ thiết kế xây dựng'],
    agencies: ['000.20.20.H29'],
  },
];

/**
 * Adds the catalogue procedures that are missing, with their fees, documents and
 * agencies. A procedure already present is left as the agency has edited it.
 */
export async function seed(db: Knex): Promise<void> {
  await db.transaction(async (knex) => {
    const agencyIds = new Map<string, number>((await knex('agencies').select('id', 'eid')).map((r) => [r.eid, r.id]));
    for (const p of SEED_PROCEDURES) {
      const inserted = await knex('procedures')
        .insert({
          code: p.code,
          national_code: p.nationalCode,
          name: p.name,
          field: p.field,
          legal_basis: p.legalBasis,
          time_limit: JSON.stringify(p.timeLimit),
          online_level: p.onlineLevel,
          on_site_verification: p.onSiteVerification,
          fee_timing: p.feeTiming,
          clock_policy: p.clockPolicy ?? 'PAUSE',
          clock_from_fee: p.clockFromFee ?? false,
          result_name: p.resultName,
          notes: p.notes ?? null,
        })
        .onConflict('code')
        .ignore()
        .returning('id');
      if (!inserted.length) continue;
      const id = inserted[0].id;
      if (p.fees.length) {
        await knex('procedure_fees').insert(
          p.fees.map((f) => ({ procedure_id: id, channel: f.channel, fee_name: f.name, amount_vnd: f.amount, note: f.note ?? null })),
        );
      }
      await knex('procedure_documents').insert(
        p.documents.map((d, i) => {
          const doc = typeof d === 'string' ? { name: d } : d;
          return { procedure_id: id, position: i + 1, name: doc.name, required: doc.required ?? true, copies: doc.copies ?? 1 };
        }),
      );
      await knex('procedure_agencies').insert(
        p.agencies.map((eid) => {
          const agencyId = agencyIds.get(eid);
          if (!agencyId) throw new Error(`procedure ${p.code}: unknown agency ${eid}`);
          return { procedure_id: id, agency_id: agencyId };
        }),
      );
    }
  });
}
