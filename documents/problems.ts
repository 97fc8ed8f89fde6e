import { DomainError } from '../domain/errors';
import { ACCEPTED_LIST_VI, ACCEPTED_MEDIA_TYPES } from './media-types';

export { invalidFields } from '../domain/errors';

/** Problems of the document endpoints, in the words citizens and officers read. */

export function sizeVi(bytes: number): string {
  const fmt = (n: number) => new Intl.NumberFormat('vi-VN', { maximumFractionDigits: 1 }).format(n);
  return bytes >= 1024 * 1024 ? `${fmt(bytes / (1024 * 1024))} MB` : `${fmt(bytes / 1024)} KB`;
}

export const tooLarge = (limitBytes: number) =>
  new DomainError('payload_too_large', 'Payload too large', `Tệp vượt quá dung lượng cho phép (tối đa ${sizeVi(limitBytes)}). Vui lòng nén hoặc quét lại với độ phân giải thấp hơn.`, { maxBytes: limitBytes });

const accepted = { accepted: [...ACCEPTED_MEDIA_TYPES] };

export const unsupportedContent = () =>
  new DomainError('unsupported_media_type', 'Unsupported file type', `Loại tệp không được chấp nhận. Chỉ nhận ${ACCEPTED_LIST_VI}; loại tệp được xác định theo nội dung, không theo tên tệp.`, accepted);

export const unsupportedZip = () =>
  new DomainError('unsupported_media_type', 'Unsupported file type', `Tệp nén không phải văn bản Word (.docx) hoặc bảng tính Excel (.xlsx); tệp có macro không được chấp nhận. Chỉ nhận ${ACCEPTED_LIST_VI}.`, accepted);

export const unsupportedExtension = (ext: string) =>
  new DomainError('unsupported_media_type', 'Unsupported file type', `Tệp có phần mở rộng "${ext}" không được chấp nhận. Chỉ nhận ${ACCEPTED_LIST_VI}.`, accepted);

export const notMultipart = () =>
  new DomainError('unsupported_media_type', 'Unsupported Media Type', 'Vui lòng gửi tệp dạng multipart/form-data, tệp đặt trong trường "file".');

export const malformedMultipart = () => new DomainError('bad_request', 'Malformed multipart', 'Nội dung multipart/form-data không hợp lệ hoặc bị ngắt giữa chừng.');

/** Unknown, not yours, or not your agency's: one answer, so document IDs cannot be probed. */
export const documentNotFound = () => new DomainError('not_found', 'Not found', 'Không tìm thấy tài liệu.');
