import type { AlertFacts, DossierFacts, LookupCodeFacts, MessageFacts } from './facts';
import { isGsm7Text } from '../integrations/sms/segments';
import { clip, unaccent, vnd, vnDateTime, vnLocalDate, vnShortDateTime } from './format';

/** What the dossier workflow tells the citizen (`notifyApplicant`), one template per lifecycle event. */
export const CITIZEN_TEMPLATES = [
  'intake_accepted',
  'supplement_requested',
  'site_visit_scheduled',
  'payment_due',
  'intake_refused',
  'closed_unsupplemented',
  'denied',
  'withdrawn',
  'cancelled',
  'result_delivered',
  'apology',
] as const;
export type CitizenTemplate = (typeof CITIZEN_TEMPLATES)[number];

/** What the read model tells officers (deadline alerts written with the event). */
export const OFFICER_TEMPLATES = ['officer_alert'] as const;
export type OfficerTemplate = (typeof OFFICER_TEMPLATES)[number];

/**
 * What a service tells a citizen outside any dossier event: the one-time code of the lookup by
 * ID number (dossiers/id-lookup.ts), sent to the contact on file of that ID's latest dossier.
 */
export const SERVICE_TEMPLATES = ['lookup_code'] as const;
export type ServiceTemplate = (typeof SERVICE_TEMPLATES)[number];

export type TemplateName = CitizenTemplate | OfficerTemplate | ServiceTemplate;
export const TEMPLATE_NAMES: readonly TemplateName[] = [...CITIZEN_TEMPLATES, ...OFFICER_TEMPLATES, ...SERVICE_TEMPLATES];

export function isTemplateName(name: string): name is TemplateName {
  return (TEMPLATE_NAMES as readonly string[]).includes(name);
}

export interface EmailContent {
  subject: string;
  text: string;
}

/** A Zalo Notification Service (ZNS) message: a template registered with Zalo and its parameters. */
export interface ZnsContent {
  templateId: string;
  params: Record<string, string>;
  /** The registered text with the parameters filled in, kept as the message body on record. */
  text: string;
}

/** A ZNS template as registered with (and approved by) Zalo: its text and parameter limits. */
export interface ZnsTemplate {
  /** Id Zalo gives the approved template; ZALO_TEMPLATE_IDS maps ours to the real ones. */
  defaultId: string;
  /** Parameter name → the longest value Zalo accepts for it. */
  params: Record<string, number>;
  /** The registered text; `<name>` marks a parameter. */
  text: string;
}

interface Ctx {
  d: DossierFacts;
  alert?: AlertFacts;
  officerName?: string;
  lookupCode?: LookupCodeFacts;
}

interface MessageTemplate {
  /** Written with diacritics like the others; sent unaccented (GSM-7) by `renderSms`. */
  sms(c: Ctx): string;
  email(c: Ctx): EmailContent;
  zalo: ZnsTemplate & { values(c: Ctx): Record<string, string> };
}

const NOT_SET = 'chưa xác định';
const appointment = (d: DossierFacts) => vnDateTime(d.appointmentAt) ?? NOT_SET;
const short = (v: string | null) => vnShortDateTime(v) ?? NOT_SET;
// Without its final full stop: templates end the sentence themselves.
const reason = (d: DossierFacts) => (d.closingReason ?? 'xem thông báo trên Cổng Dịch vụ công').trim().replace(/[.;\s]+$/, '');
const DELIVERY: Record<DossierFacts['deliveryMethod'], string> = {
  online: 'trực tuyến trên Cổng Dịch vụ công',
  counter: 'tại Bộ phận Một cửa',
  postal: 'qua dịch vụ bưu chính công ích',
};

function greeting(d: DossierFacts): string {
  return `Kính gửi Ông/Bà ${d.applicantName},`;
}

function signature(d: DossierFacts): string {
  const contact = [d.agencyAddress ? `Địa chỉ: ${d.agencyAddress}` : null, d.agencyPhone ? `Điện thoại: ${d.agencyPhone}` : null].filter(Boolean);
  return [
    'Trân trọng,',
    `Bộ phận Một cửa – ${d.agencyName}`,
    ...contact,
    '',
    'Thư này được gửi tự động, xin Ông/Bà không trả lời thư. Tra cứu hồ sơ bằng mã hồ sơ trên Cổng Dịch vụ công.',
  ].join('\n');
}

function letter(d: DossierFacts, ...paragraphs: Array<string | null | false>): string {
  return [greeting(d), '', ...paragraphs.filter((p): p is string => typeof p === 'string').flatMap((p) => [p, '']), signature(d)].join('\n');
}

function dossierLines(d: DossierFacts): string {
  return [`Mã hồ sơ: ${d.code}`, `Thủ tục: ${d.procedureName}`].join('\n');
}

function visitTime(v: NonNullable<DossierFacts['visit']>): string {
  return `từ ${v.from} đến ${v.to} ngày ${vnLocalDate(v.date)}`;
}

function itemsShort(items: string[], max: number): string {
  const all = items.join('; ');
  return all.length <= max ? all : `${clip(all, max - 20, '...')} (xem đủ trên Cổng DVC)`;
}

const ALERT_LABEL: Record<AlertFacts['kind'], (level: number) => string> = {
  at_risk: () => 'sắp đến hạn',
  overdue: () => 'đã quá hạn',
  escalation: (level) => `quá hạn, nhắc lần ${level}`,
  leg_received: () => 'được chuyển đến để giải quyết liên thông',
  leg_chased: () => 'được cơ quan chủ trì đôn đốc',
  consultation_requested: () => 'được gửi xin ý kiến',
  leg_overdue: () => 'quá hạn giải quyết liên thông',
};

const TEMPLATES: Record<TemplateName, MessageTemplate> = {
  intake_accepted: {
    sms: ({ d }) =>
      `Hồ sơ ${d.code} đã được tiếp nhận lúc ${short(d.receivedAt)}. Ngày hẹn trả kết quả: ${short(d.appointmentAt)}.` +
      (d.fee && !d.fee.paid ? ` Phí, lệ phí: ${vnd(d.fee.amountVnd)}.` : '') +
      ' Tra cứu bằng mã hồ sơ trên Cổng DVC.',
    email: ({ d }) => ({
      subject: `Biên nhận hồ sơ ${d.code} – hẹn trả kết quả ${appointment(d)}`,
      text: letter(
        d,
        `${d.agencyName} đã tiếp nhận hồ sơ của Ông/Bà.`,
        [
          dossierLines(d),
          `Thời điểm tiếp nhận: ${vnDateTime(d.receivedAt) ?? NOT_SET}`,
          `Ngày hẹn trả kết quả: ${appointment(d)}`,
          `Hình thức nhận kết quả: ${DELIVERY[d.deliveryMethod]}`,
          ...(d.fee ? [`Phí, lệ phí: ${vnd(d.fee.amountVnd)}${d.fee.paid ? ' (đã nộp)' : ' (chưa nộp)'}`] : []),
        ].join('\n'),
        d.fee && !d.fee.paid && 'Ông/Bà nộp phí, lệ phí trực tuyến trên Cổng Dịch vụ công hoặc tại Bộ phận Một cửa.',
      ),
    }),
    zalo: {
      defaultId: '420101',
      params: { ten_cong_dan: 30, ma_ho_so: 30, thoi_gian_nhan: 20, ngay_hen_tra: 20 },
      text: 'Kính gửi <ten_cong_dan>, hồ sơ <ma_ho_so> đã được tiếp nhận lúc <thoi_gian_nhan>. Ngày hẹn trả kết quả: <ngay_hen_tra>.',
      values: ({ d }) => ({ ten_cong_dan: d.applicantName, ma_ho_so: d.code, thoi_gian_nhan: short(d.receivedAt), ngay_hen_tra: short(d.appointmentAt) }),
    },
  },

  supplement_requested: {
    sms: ({ d }) =>
      `Hồ sơ ${d.code} cần bổ sung: ${itemsShort(d.supplement?.items ?? [], 300)}. Hạn bổ sung: ${short(d.supplement?.deadline ?? null)}. Quá hạn không bổ sung, hồ sơ sẽ bị đóng.`,
    email: ({ d }) => ({
      subject: `Hồ sơ ${d.code}: đề nghị bổ sung, hoàn thiện hồ sơ trước ${vnDateTime(d.supplement?.deadline) ?? NOT_SET}`,
      text: letter(
        d,
        dossierLines(d),
        `Để giải quyết hồ sơ, đề nghị Ông/Bà bổ sung, hoàn thiện các giấy tờ sau:\n${(d.supplement?.items ?? []).map((item, i) => `  ${i + 1}. ${item}`).join('\n')}`,
        d.supplement?.reason ? `Lý do: ${d.supplement.reason}` : null,
        `Hạn bổ sung: ${vnDateTime(d.supplement?.deadline) ?? NOT_SET}. Quá thời hạn trên mà Ông/Bà không bổ sung, hồ sơ sẽ bị đóng theo quy định.`,
        'Ông/Bà bổ sung trực tuyến trên Cổng Dịch vụ công hoặc tại Bộ phận Một cửa.',
      ),
    }),
    zalo: {
      defaultId: '420102',
      params: { ma_ho_so: 30, giay_to: 100, han_bo_sung: 20 },
      text: 'Hồ sơ <ma_ho_so> cần bổ sung: <giay_to>. Hạn bổ sung: <han_bo_sung>. Quá hạn không bổ sung, hồ sơ sẽ bị đóng.',
      values: ({ d }) => ({ ma_ho_so: d.code, giay_to: itemsShort(d.supplement?.items ?? [], 100), han_bo_sung: short(d.supplement?.deadline ?? null) }),
    },
  },

  site_visit_scheduled: {
    sms: ({ d }) =>
      d.visit
        ? `Hồ sơ ${d.code}: cán bộ sẽ xác minh thực địa ${visitTime(d.visit)} tại ${clip(d.visit.place, 120, '...')}. Đề nghị Ông/Bà có mặt.`
        : `Hồ sơ ${d.code}: cán bộ sẽ xác minh thực địa. Lịch hẹn xem trên Cổng DVC.`,
    email: ({ d }) => ({
      subject: `Hồ sơ ${d.code}: lịch xác minh thực địa${d.visit ? ` ngày ${vnLocalDate(d.visit.date)}` : ''}`,
      text: letter(
        d,
        dossierLines(d),
        d.visit
          ? `Cán bộ giải quyết hồ sơ sẽ xác minh, kiểm tra thực địa ${visitTime(d.visit)}.\nĐịa điểm: ${d.visit.place}`
          : 'Cán bộ giải quyết hồ sơ sẽ xác minh, kiểm tra thực địa; lịch hẹn xem trên Cổng Dịch vụ công.',
        'Đề nghị Ông/Bà hoặc người được ủy quyền có mặt. Nếu không thể có mặt, xin liên hệ Bộ phận Một cửa để hẹn lại.',
      ),
    }),
    zalo: {
      defaultId: '420103',
      params: { ma_ho_so: 30, thoi_gian: 40, dia_diem: 100 },
      text: 'Hồ sơ <ma_ho_so>: cán bộ sẽ xác minh thực địa <thoi_gian> tại <dia_diem>. Đề nghị Ông/Bà có mặt.',
      values: ({ d }) => ({
        ma_ho_so: d.code,
        thoi_gian: d.visit ? visitTime(d.visit) : NOT_SET,
        dia_diem: d.visit?.place ?? NOT_SET,
      }),
    },
  },

  payment_due: {
    sms: ({ d }) =>
      `Hồ sơ ${d.code} đã có kết quả. Đề nghị nộp phí, lệ phí ${d.fee ? vnd(d.fee.amountVnd) : ''} để nhận kết quả (trực tuyến trên Cổng DVC hoặc tại Bộ phận Một cửa).`,
    email: ({ d }) => ({
      subject: `Hồ sơ ${d.code}: đề nghị nộp phí, lệ phí${d.fee ? ` ${vnd(d.fee.amountVnd)}` : ''}`,
      text: letter(
        d,
        dossierLines(d),
        `Hồ sơ của Ông/Bà đã có kết quả giải quyết. Kết quả được trả sau khi Ông/Bà nộp phí, lệ phí${d.fee ? `: ${vnd(d.fee.amountVnd)}` : ''}.`,
        'Ông/Bà nộp trực tuyến trên Cổng Dịch vụ công hoặc nộp tiền mặt, chuyển khoản tại Bộ phận Một cửa; biên lai điện tử được gửi kèm.',
      ),
    }),
    zalo: {
      defaultId: '420104',
      params: { ma_ho_so: 30, so_tien: 30 },
      text: 'Hồ sơ <ma_ho_so> đã có kết quả. Đề nghị nộp phí, lệ phí <so_tien> để nhận kết quả.',
      values: ({ d }) => ({ ma_ho_so: d.code, so_tien: d.fee ? vnd(d.fee.amountVnd) : NOT_SET }),
    },
  },

  intake_refused: {
    sms: ({ d }) => `Hồ sơ ${d.code} không được tiếp nhận. Lý do: ${clip(reason(d), 400, '...')}.`,
    email: ({ d }) => ({
      subject: `Hồ sơ ${d.code}: từ chối tiếp nhận hồ sơ`,
      text: letter(d, dossierLines(d), `Hồ sơ của Ông/Bà không được tiếp nhận.\nLý do: ${reason(d)}`, 'Ông/Bà có thể hoàn thiện và nộp lại hồ sơ.'),
    }),
    zalo: {
      defaultId: '420105',
      params: { ma_ho_so: 30, ly_do: 100 },
      text: 'Hồ sơ <ma_ho_so> không được tiếp nhận. Lý do: <ly_do>.',
      values: ({ d }) => ({ ma_ho_so: d.code, ly_do: reason(d) }),
    },
  },

  closed_unsupplemented: {
    sms: ({ d }) => `Hồ sơ ${d.code} đã bị đóng do không bổ sung trong thời hạn. Ông/Bà có thể nộp hồ sơ mới.`,
    email: ({ d }) => ({
      subject: `Hồ sơ ${d.code}: đóng hồ sơ do không bổ sung đúng hạn`,
      text: letter(d, dossierLines(d), 'Hồ sơ đã bị đóng vì Ông/Bà không bổ sung, hoàn thiện hồ sơ trong thời hạn đã thông báo.', 'Ông/Bà có thể nộp hồ sơ mới khi đã đủ giấy tờ.'),
    }),
    zalo: {
      defaultId: '420106',
      params: { ma_ho_so: 30 },
      text: 'Hồ sơ <ma_ho_so> đã bị đóng do không bổ sung trong thời hạn. Ông/Bà có thể nộp hồ sơ mới.',
      values: ({ d }) => ({ ma_ho_so: d.code }),
    },
  },

  denied: {
    sms: ({ d }) => `Hồ sơ ${d.code} không đủ điều kiện giải quyết. Lý do: ${clip(reason(d), 380, '...')}.${d.resultNumber ? ` Thông báo số ${d.resultNumber}.` : ''}`,
    email: ({ d }) => ({
      subject: `Hồ sơ ${d.code}: thông báo không đủ điều kiện giải quyết`,
      text: letter(
        d,
        dossierLines(d),
        `Hồ sơ của Ông/Bà không đủ điều kiện giải quyết.\nLý do: ${reason(d)}`,
        d.resultNumber && `Thông báo số ${d.resultNumber} được trả ${DELIVERY[d.deliveryMethod]}.`,
      ),
    }),
    zalo: {
      defaultId: '420107',
      params: { ma_ho_so: 30, ly_do: 100 },
      text: 'Hồ sơ <ma_ho_so> không đủ điều kiện giải quyết. Lý do: <ly_do>.',
      values: ({ d }) => ({ ma_ho_so: d.code, ly_do: reason(d) }),
    },
  },

  withdrawn: {
    sms: ({ d }) => `Hồ sơ ${d.code} đã dừng giải quyết theo đề nghị rút hồ sơ của Ông/Bà.${d.resultNumber ? ` Thông báo số ${d.resultNumber}.` : ''}`,
    email: ({ d }) => ({
      subject: `Hồ sơ ${d.code}: dừng giải quyết theo đề nghị của Ông/Bà`,
      text: letter(d, dossierLines(d), 'Theo đề nghị rút hồ sơ của Ông/Bà, hồ sơ đã được dừng giải quyết.', d.resultNumber && `Thông báo dừng giải quyết số ${d.resultNumber}.`),
    }),
    zalo: {
      defaultId: '420108',
      params: { ma_ho_so: 30 },
      text: 'Hồ sơ <ma_ho_so> đã dừng giải quyết theo đề nghị rút hồ sơ của Ông/Bà.',
      values: ({ d }) => ({ ma_ho_so: d.code }),
    },
  },

  cancelled: {
    sms: ({ d }) => `Hồ sơ ${d.code} đã dừng giải quyết. Lý do: ${clip(reason(d), 400, '...')}.`,
    email: ({ d }) => ({
      subject: `Hồ sơ ${d.code}: thông báo dừng giải quyết hồ sơ`,
      text: letter(d, dossierLines(d), `Hồ sơ của Ông/Bà đã dừng giải quyết.\nLý do: ${reason(d)}`, d.resultNumber && `Thông báo dừng giải quyết số ${d.resultNumber}.`),
    }),
    zalo: {
      defaultId: '420109',
      params: { ma_ho_so: 30, ly_do: 100 },
      text: 'Hồ sơ <ma_ho_so> đã dừng giải quyết. Lý do: <ly_do>.',
      values: ({ d }) => ({ ma_ho_so: d.code, ly_do: reason(d) }),
    },
  },

  result_delivered: {
    sms: ({ d }) =>
      `Hồ sơ ${d.code} đã có kết quả${d.resultNumber ? ` số ${d.resultNumber}` : ''}, trả ${DELIVERY[d.deliveryMethod]}. Cảm ơn Ông/Bà đã sử dụng dịch vụ.`,
    email: ({ d }) => ({
      subject: `Hồ sơ ${d.code}: đã trả kết quả`,
      text: letter(
        d,
        dossierLines(d),
        `Hồ sơ của Ông/Bà đã được giải quyết${d.resultNumber ? `, kết quả số ${d.resultNumber}` : ''}, trả ${DELIVERY[d.deliveryMethod]}.`,
        d.deliveryMethod === 'online' && 'Ông/Bà tải kết quả điện tử trong tài khoản của mình trên Cổng Dịch vụ công.',
        'Cảm ơn Ông/Bà đã sử dụng dịch vụ. Ông/Bà có thể đánh giá mức độ hài lòng trên Cổng Dịch vụ công.',
      ),
    }),
    zalo: {
      defaultId: '420110',
      params: { ma_ho_so: 30, so_ket_qua: 30, hinh_thuc: 40 },
      text: 'Hồ sơ <ma_ho_so> đã có kết quả số <so_ket_qua>, trả <hinh_thuc>. Cảm ơn Ông/Bà đã sử dụng dịch vụ.',
      values: ({ d }) => ({ ma_ho_so: d.code, so_ket_qua: d.resultNumber ?? NOT_SET, hinh_thuc: DELIVERY[d.deliveryMethod] }),
    },
  },

  apology: {
    sms: ({ d }) =>
      `Xin lỗi Ông/Bà: hồ sơ ${d.code} chưa giải quyết kịp hạn ${short(d.dueAt)}. Ngày hẹn trả kết quả mới: ${short(d.appointmentAt)}.`,
    email: ({ d }) => ({
      subject: `Thư xin lỗi và hẹn lại ngày trả kết quả hồ sơ ${d.code}`,
      text: letter(
        d,
        dossierLines(d),
        `${d.agencyName} chân thành xin lỗi Ông/Bà vì hồ sơ chưa được giải quyết đúng hạn trả kết quả ${vnDateTime(d.dueAt) ?? NOT_SET}.`,
        d.apologyReason && `Lý do: ${d.apologyReason}`,
        `Ngày hẹn trả kết quả mới: ${appointment(d)}.`,
        'Mong Ông/Bà thông cảm.',
      ),
    }),
    zalo: {
      defaultId: '420111',
      params: { ma_ho_so: 30, ngay_hen_cu: 20, ngay_hen_moi: 20 },
      text: 'Xin lỗi Ông/Bà: hồ sơ <ma_ho_so> chưa giải quyết kịp hạn <ngay_hen_cu>. Ngày hẹn trả kết quả mới: <ngay_hen_moi>.',
      values: ({ d }) => ({ ma_ho_so: d.code, ngay_hen_cu: short(d.dueAt), ngay_hen_moi: short(d.appointmentAt) }),
    },
  },

  // No dossier code and no name in it: the code proves who holds the phone, it says nothing else.
  lookup_code: {
    sms: ({ lookupCode }) =>
      `Ma xac thuc tra cuu ho so theo so CCCD/CMND: ${codeOf(lookupCode)}, hieu luc ${minutesOf(lookupCode)} phut. Khong cung cap ma nay cho bat ky ai.`,
    email: ({ d, lookupCode }) => ({
      subject: 'Mã xác thực tra cứu hồ sơ theo số CCCD/CMND',
      text: [
        'Kính gửi Ông/Bà,',
        '',
        `Mã xác thực để tra cứu hồ sơ theo số căn cước công dân/CMND là: ${codeOf(lookupCode)}`,
        '',
        `Mã có hiệu lực ${minutesOf(lookupCode)} phút (đến ${vnDateTime(lookupCode?.expiresAt) ?? NOT_SET}) và chỉ dùng được một lần. Không cung cấp mã này cho bất kỳ ai, kể cả cán bộ.`,
        '',
        'Nếu Ông/Bà không yêu cầu tra cứu, xin bỏ qua thư này: không ai xem được hồ sơ của Ông/Bà khi không có mã.',
        '',
        signature(d),
      ].join('\n'),
    }),
    zalo: {
      defaultId: '420112',
      params: { ma_xac_thuc: 10, hieu_luc: 10 },
      text: 'Mã xác thực tra cứu hồ sơ theo số CCCD/CMND: <ma_xac_thuc>, hiệu lực <hieu_luc> phút. Không cung cấp mã này cho bất kỳ ai.',
      values: ({ lookupCode }) => ({ ma_xac_thuc: codeOf(lookupCode), hieu_luc: String(minutesOf(lookupCode)) }),
    },
  },

  officer_alert: {
    sms: ({ d, alert }) =>
      `[Một cửa] Hồ sơ ${d.code} ${alertLabel(alert)}. Hạn giải quyết: ${short(d.dueAt ?? d.appointmentAt)}. Thủ tục: ${clip(d.procedureName, 120, '...')}.`,
    email: ({ d, alert, officerName }) => ({
      subject: `[Cảnh báo hạn] Hồ sơ ${d.code} ${alertLabel(alert)}`,
      text: [
        `Kính gửi ${officerName ?? 'đồng chí'},`,
        '',
        alert?.message ?? `Hồ sơ ${d.code} ${alertLabel(alert)}.`,
        '',
        dossierLines(d),
        `Hạn giải quyết: ${vnDateTime(d.dueAt ?? d.appointmentAt) ?? NOT_SET}`,
        `Ngày hẹn trả công dân: ${appointment(d)}`,
        `Mức cảnh báo: ${alertLabel(alert)}`,
        '',
        'Đề nghị xử lý hoặc báo cáo lãnh đạo theo quy chế. Danh sách hồ sơ đến hạn, quá hạn xem trên hệ thống một cửa điện tử.',
        '',
        `Hệ thống một cửa điện tử – ${d.agencyName}`,
      ].join('\n'),
    }),
    zalo: {
      defaultId: '420199',
      params: { ma_ho_so: 30, canh_bao: 30, han_giai_quyet: 20 },
      text: 'Hồ sơ <ma_ho_so> <canh_bao>. Hạn giải quyết: <han_giai_quyet>.',
      values: ({ d, alert }) => ({ ma_ho_so: d.code, canh_bao: alertLabel(alert), han_giai_quyet: short(d.dueAt ?? d.appointmentAt) }),
    },
  },
};

function codeOf(c: LookupCodeFacts | undefined): string {
  if (!c) throw new TemplateError('template lookup_code needs its code');
  return c.code;
}
const minutesOf = (c: LookupCodeFacts | undefined) => c?.validMinutes ?? 5;

/**
 * The body kept on record (`notifications.body`): the text sent, with a one-time code blanked,
 * so the delivery log never holds a code that still works.
 */
export function redactSecrets(text: string, facts: MessageFacts): string {
  const code = facts.lookupCode?.code;
  return code ? text.split(code).join('••••••') : text;
}

function alertLabel(alert: AlertFacts | undefined): string {
  return alert ? ALERT_LABEL[alert.kind](alert.level) : 'cần xử lý';
}

/** Longest SMS a gateway takes: 4 concatenated GSM-7 segments of 153 characters. */
export const SMS_MAX_LENGTH = 612;

export class TemplateError extends Error {
  override name = 'TemplateError';
}

function context(name: TemplateName, facts: MessageFacts): Ctx {
  if (!facts.dossier) throw new TemplateError(`template ${name} needs its dossier`);
  return { d: facts.dossier, alert: facts.alert, officerName: facts.officerName, lookupCode: facts.lookupCode };
}

/** Unaccented GSM-7 text, within four segments (anything GSM-7 lacks, e.g. an emoji in a reason, becomes "?"). */
export function renderSms(name: TemplateName, facts: MessageFacts): string {
  const text = unaccent(TEMPLATES[name].sms(context(name, facts))).replace(/\s+/g, ' ').trim();
  const gsm = Array.from(text).map((c) => (isGsm7Text(c) ? c : '?')).join('');
  return clip(gsm, SMS_MAX_LENGTH, '...');
}

export function renderEmail(name: TemplateName, facts: MessageFacts): EmailContent {
  return TEMPLATES[name].email(context(name, facts));
}

/**
 * The ZNS call for this event: registered template id (ours unless `templateIds` maps it to
 * the id Zalo approved), parameter values clipped to the registered limits, and the text the
 * citizen reads.
 */
export function renderZalo(name: TemplateName, facts: MessageFacts, templateIds: Partial<Record<TemplateName, string>> = {}): ZnsContent {
  const t = TEMPLATES[name].zalo;
  const raw = t.values(context(name, facts));
  const params = Object.fromEntries(Object.entries(t.params).map(([key, max]) => [key, clip(raw[key] ?? NOT_SET, max)]));
  const text = t.text.replace(/<([a-z_]+)>/g, (_, key: string) => params[key] ?? '');
  return { templateId: templateIds[name] ?? t.defaultId, params, text };
}

/** The ZNS templates as registered with Zalo (by id), for the sandbox to check calls against. */
export function znsRegistrations(templateIds: Partial<Record<TemplateName, string>> = {}): Record<string, Pick<ZnsTemplate, 'params' | 'text'>> {
  return Object.fromEntries(TEMPLATE_NAMES.map((name) => [templateIds[name] ?? TEMPLATES[name].zalo.defaultId, { params: TEMPLATES[name].zalo.params, text: TEMPLATES[name].zalo.text }]));
}
