import type { Knex } from 'knex';
import type { TimeLimit } from '../../domain/calendar';
import { defaultDocument } from '../repositories/internal-procedures';
import { validateInternalProcedure, type InternalProcedureDocument, type ProcedureStep, type StepBudget } from '../../domain/internal-procedure';

/**
 * Internal procedures (quy trình nội bộ, issue 17) as published versions:
 * - every procedure with step budgets and no version yet gets today's fixed path as its
 *   published default version 1 (in force since 2020-01-01, so every dossier runs as before);
 * - TG-DOITRUSO gets the 15-step structure of Hanoi decision 1594/QĐ-TTPVHCC (docs/domain.md
 *   §2.2): the department's steps, a leg at the City People's Committee office that decides,
 *   and consultations of the ward police and ward People's Committee;
 * - XD-GPXD (construction permit, commune) gets a version with an explicit on-site inspection (§3.9).
 * Idempotent and respectful of administrators' work: a non-default version is seeded only on a
 * procedure that has none (seeded or drafted by an administrator), and nothing is ever updated.
 */
const wd = (value: number): StepBudget => ({ unit: 'working_days', value });

/** Where the seeded non-default versions are in force from: before any dossier, like the defaults. */
export const SEEDED_EFFECTIVE_FROM = '2020-01-01T00:00:00+07:00';

const SO = 'Sở Dân tộc và Tôn giáo';
const ONE_STOP_SO = `Bộ phận Một cửa ${SO}`;
const DIVISION = 'Phòng Tôn giáo';
const VP = 'Văn phòng Ủy ban nhân dân Thành phố';

/** The City PC office's own steps inside the leg (Hanoi 1594 steps 6–13): 7 working days. */
const CITY_OFFICE_STEPS: ProcedureStep[] = [
  { key: 'vp_tiep_nhan', name: 'Phòng Hành chính - Tổ chức tiếp nhận hồ sơ, trình Lãnh đạo Văn phòng', unit: `Phòng Hành chính - Tổ chức, ${VP}`, kind: 'relay', role: 'one_stop_officer', budget: wd(0.5), actions: ['forward'] },
  { key: 'vp_chuyen_phong', name: 'Lãnh đạo Văn phòng chuyển phòng chuyên môn xử lý', unit: `Lãnh đạo ${VP}`, kind: 'relay', role: 'leader', budget: wd(0.5), actions: ['forward'] },
  { key: 'vp_phan_cong', name: 'Trưởng phòng chuyên môn phân công chuyên viên', unit: `Phòng Văn hóa - Xã hội, ${VP}`, kind: 'assignment', role: 'leader', budget: wd(0.5), actions: [] },
  {
    key: 'vp_tham_tra',
    name: 'Chuyên viên thẩm tra hồ sơ, dự thảo văn bản trình Lãnh đạo Ủy ban nhân dân Thành phố',
    unit: `Phòng Văn hóa - Xã hội, ${VP}`,
    kind: 'review',
    role: 'specialist',
    budget: wd(2),
    actions: ['propose'],
  },
  { key: 'vp_truong_phong', name: 'Trưởng phòng xem xét, ký nháy dự thảo', unit: `Phòng Văn hóa - Xã hội, ${VP}`, kind: 'approval', role: 'leader', budget: wd(0.5), actions: ['forward', 'send_back'], sendBackTo: ['vp_tham_tra'] },
  { key: 'vp_lanh_dao', name: 'Lãnh đạo Văn phòng kiểm tra, trình ký', unit: `Lãnh đạo ${VP}`, kind: 'approval', role: 'leader', budget: wd(1), actions: ['forward', 'send_back'], sendBackTo: ['vp_tham_tra'] },
  { key: 'ubnd_ky', name: 'Lãnh đạo Ủy ban nhân dân Thành phố xem xét, ký văn bản', unit: 'Lãnh đạo Ủy ban nhân dân Thành phố', kind: 'decision', role: 'leader', budget: wd(1.5), actions: ['decide', 'send_back'], sendBackTo: ['vp_tham_tra'] },
  { key: 'vp_phat_hanh', name: 'Văn thư vào số, đóng dấu, phát hành văn bản, chuyển kết quả về Sở', unit: `Phòng Hành chính - Tổ chức, ${VP}`, kind: 'issue', role: 'one_stop_officer', budget: wd(0.5), actions: ['issue'] },
];

/** TG-DOITRUSO, in the 15-step structure of Hanoi 1594/QĐ-TTPVHCC: 0.5 + 29.5 working days of 30. */
export const HANOI_1594_DOCUMENT: InternalProcedureDocument = {
  title: 'Quy trình nội bộ giải quyết thủ tục đăng ký thay đổi trụ sở của tổ chức tôn giáo',
  basis: 'Theo cấu trúc Quyết định 1594/QĐ-TTPVHCC ngày 20/11/2025 của Trung tâm Phục vụ hành chính công Thành phố Hà Nội (mẫu)',
  steps: [
    {
      key: 'tiep_nhan',
      name: 'Hướng dẫn, kiểm tra hồ sơ; số hóa, cập nhật vào Hệ thống thông tin giải quyết thủ tục hành chính, cấp Giấy tiếp nhận hồ sơ và hẹn trả kết quả',
      unit: ONE_STOP_SO,
      kind: 'intake',
      role: 'one_stop_officer',
      budget: wd(0.5),
      actions: [],
    },
    { key: 'chuyen_giam_doc', name: 'Trưởng Bộ phận Một cửa chuyển hồ sơ kèm Phiếu kiểm soát quá trình giải quyết hồ sơ đến Giám đốc Sở', unit: ONE_STOP_SO, kind: 'relay', role: 'one_stop_officer', budget: wd(0.5), actions: ['forward'] },
    { key: 'giao_phong', name: 'Giám đốc Sở giao phòng chuyên môn xử lý', unit: `Lãnh đạo ${SO}`, kind: 'relay', role: 'leader', budget: wd(1), actions: ['forward'] },
    { key: 'phan_cong', name: 'Trưởng phòng phân công chuyên viên thụ lý', unit: DIVISION, kind: 'assignment', role: 'leader', budget: wd(1), actions: [] },
    {
      key: 'tham_dinh',
      name: 'Chuyên viên kiểm tra, thẩm định hồ sơ (lấy ý kiến cơ quan liên quan khi cần), dự thảo Tờ trình trình Ủy ban nhân dân Thành phố',
      unit: DIVISION,
      kind: 'review',
      role: 'specialist',
      budget: wd(16),
      actions: ['request_supplement', 'schedule_verification', 'consult', 'propose'],
    },
    { key: 'truong_phong_duyet', name: 'Trưởng phòng xem xét, ký nháy, trình Lãnh đạo Sở', unit: DIVISION, kind: 'approval', role: 'leader', budget: wd(1), actions: ['forward', 'send_back'], sendBackTo: ['tham_dinh'] },
    { key: 'giam_doc_duyet', name: 'Giám đốc Sở phê duyệt, ký Tờ trình gửi Ủy ban nhân dân Thành phố', unit: `Lãnh đạo ${SO}`, kind: 'approval', role: 'leader', budget: wd(1), actions: ['forward', 'send_back'], sendBackTo: ['tham_dinh'] },
    {
      key: 'ubnd_thanh_pho',
      name: 'Văn phòng Ủy ban nhân dân Thành phố xử lý, trình Lãnh đạo Ủy ban nhân dân Thành phố quyết định',
      unit: VP,
      kind: 'leg',
      role: 'leader',
      budget: wd(7),
      actions: [],
      agencyEid: '000.00.02.H29',
      decides: true,
      steps: CITY_OFFICE_STEPS,
    },
    { key: 'nhan_ket_qua', name: 'Phòng chuyên môn nhận kết quả của Ủy ban nhân dân Thành phố, kết thúc quy trình trên hệ thống, chuyển Bộ phận Một cửa', unit: DIVISION, kind: 'relay', role: 'specialist', budget: wd(2), actions: ['forward'] },
    { key: 'tra_ket_qua', name: 'Trả kết quả (trực tuyến, tại Bộ phận Một cửa hoặc qua dịch vụ bưu chính công ích)', unit: ONE_STOP_SO, kind: 'result', role: 'one_stop_officer', budget: wd(0), actions: [] },
  ],
  consultations: [
    { agencyEid: '000.20.21.H29', subject: 'Ý kiến về địa điểm đặt trụ sở mới', budget: wd(5) },
    { agencyEid: '000.20.20.H29', subject: 'Ý kiến về địa điểm đặt trụ sở mới', budget: wd(5) },
  ],
};

const BUILDING = 'Phòng Kinh tế, Hạ tầng và Đô thị';

/** XD-GPXD (construction permit) with an explicit site inspection (docs/domain.md §3.9): 0.5 + 15 working days of 15. */
export const SITE_INSPECTION_DOCUMENT: InternalProcedureDocument = {
  title: 'Quy trình nội bộ cấp giấy phép xây dựng nhà ở riêng lẻ, có kiểm tra thực địa',
  basis: 'Theo quy trình nội bộ thủ tục xây dựng cấp xã (mẫu), Nghị định 175/2024/NĐ-CP',
  steps: [
    { key: 'tiep_nhan', name: 'Tiếp nhận, kiểm tra hồ sơ, cấp Giấy tiếp nhận hồ sơ và hẹn trả kết quả', unit: 'Bộ phận Một cửa', kind: 'intake', role: 'one_stop_officer', budget: wd(0.5), actions: [] },
    { key: 'chuyen_ho_so', name: `Chuyển hồ sơ đến ${BUILDING}`, unit: 'Bộ phận Một cửa', kind: 'relay', role: 'one_stop_officer', budget: wd(0.5), actions: ['forward'] },
    { key: 'phan_cong', name: 'Lãnh đạo phân công chuyên viên thụ lý', unit: `Lãnh đạo ${BUILDING}`, kind: 'assignment', role: 'leader', budget: wd(0.5), actions: [] },
    { key: 'kiem_tra', name: 'Kiểm tra hồ sơ, xác định nội dung cần kiểm tra thực địa', unit: BUILDING, kind: 'review', role: 'specialist', budget: wd(2), actions: ['request_supplement', 'forward'] },
    { key: 'kiem_tra_thuc_dia', name: 'Kiểm tra thực địa khu đất xây dựng, lập biên bản kiểm tra hiện trạng', unit: BUILDING, kind: 'verification', role: 'specialist', budget: wd(3), actions: ['schedule_verification'] },
    { key: 'du_thao', name: 'Dự thảo giấy phép, đề xuất cấp giấy phép xây dựng', unit: BUILDING, kind: 'review', role: 'specialist', budget: wd(4), actions: ['request_supplement', 'propose'] },
    { key: 'truong_phong_duyet', name: 'Trưởng phòng xem xét, ký nháy, trình Lãnh đạo', unit: BUILDING, kind: 'approval', role: 'leader', budget: wd(1.5), actions: ['forward', 'send_back'], sendBackTo: ['kiem_tra_thuc_dia', 'du_thao'] },
    { key: 'phe_duyet', name: 'Chủ tịch Ủy ban nhân dân phường ký giấy phép', unit: 'Lãnh đạo Ủy ban nhân dân phường', kind: 'decision', role: 'leader', budget: wd(2), actions: ['decide', 'send_back'], sendBackTo: ['du_thao'] },
    { key: 'tra_ket_qua', name: 'Trả kết quả', unit: 'Bộ phận Một cửa', kind: 'result', role: 'one_stop_officer', budget: wd(1.5), actions: [] },
  ],
  consultations: [],
};

/** The non-default versions seeded, by procedure code. */
export const SEEDED_VERSIONS: Record<string, InternalProcedureDocument> = {
  'TG-DOITRUSO': HANOI_1594_DOCUMENT,
  'XD-GPXD': SITE_INSPECTION_DOCUMENT,
};

const row = (procedureId: number, version: number, doc: InternalProcedureDocument, isDefault: boolean) => ({
  procedure_id: procedureId,
  version,
  status: 'published',
  title: doc.title,
  basis: doc.basis,
  document: JSON.stringify({ steps: doc.steps, consultations: doc.consultations ?? [] }),
  is_default: isDefault,
  effective_from: SEEDED_EFFECTIVE_FROM,
  published_at: new Date(),
});

export async function seed(db: Knex): Promise<void> {
  await db.transaction(async (knex) => {
    const procedures: Array<{ id: number; code: string; time_limit: TimeLimit; step_budgets: Record<string, number> | null }> = await knex('procedures').orderBy('id').select('id', 'code', 'time_limit', 'step_budgets');
    const versioned = new Set((await knex('internal_procedure_versions').distinct('procedure_id')).map((r: { procedure_id: number }) => r.procedure_id));
    for (const p of procedures) {
      // Without budgets there is no default to write yet: the procedure runs the derived default (version 0).
      if (versioned.has(p.id) || !p.step_budgets) continue;
      await knex('internal_procedure_versions').insert(row(p.id, 1, defaultDocument(p.step_budgets), true));
    }
    const agencies = new Set((await knex('agencies').select('eid')).map((r: { eid: string }) => r.eid));
    for (const [code, doc] of Object.entries(SEEDED_VERSIONS)) {
      const p = procedures.find((x) => x.code === code);
      if (!p) continue;
      if (await knex('internal_procedure_versions').where({ procedure_id: p.id, is_default: false }).first('id')) continue;
      const problems = validateInternalProcedure(doc, p.time_limit, agencies);
      if (problems.length) throw new Error(`seeded internal procedure of ${code} is invalid: ${JSON.stringify(problems)}`);
      const top = await knex('internal_procedure_versions').where('procedure_id', p.id).max<{ max: number | null }[]>('version as max');
      await knex('internal_procedure_versions').insert(row(p.id, (top[0]?.max ?? 0) + 1, doc, false));
    }
  });
}
