/** Units named on the process-control sheet (phiếu kiểm soát quá trình giải quyết hồ sơ, Form 06). */
export const ONE_STOP_UNIT = 'Bộ phận Một cửa';
export const POST_OFFICE = 'Bưu điện (dịch vụ bưu chính công ích)';
export const LEADERS_UNIT = 'Lãnh đạo cơ quan';
export const APPLICANT = 'Tổ chức, cá nhân nộp hồ sơ';
