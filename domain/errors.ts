/**
 * Errors the services throw. They say what went wrong in the domain's terms (not found, a
 * conflict with the dossier's state, a field that is wrong); only the HTTP layer
 * (api/errors.ts) turns a kind into a status code and a problem+json answer.
 *
 * `title` is the stable English title of the problem (its `type` URI is derived from it),
 * `detail` the sentence people read (Vietnamese where citizens and officers read it), and
 * `extra` the members added to the problem document (`reason`, `errors`, …).
 */
export type DomainErrorKind =
  | 'bad_request'
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'invalid'
  | 'too_many_requests'
  | 'unavailable'
  | 'internal';

export class DomainError extends Error {
  constructor(
    readonly kind: DomainErrorKind,
    readonly title: string,
    readonly detail: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(detail);
    this.name = 'DomainError';
  }
}

export type FieldError = { field: string; message: string };

export const INVALID_FIELDS_DETAIL = 'Thông tin gửi lên chưa hợp lệ, vui lòng kiểm tra các trường được liệt kê.';

/** Every field problem of one request, listed at once. */
export function invalidFields(errors: FieldError[]): DomainError {
  return new DomainError('invalid', 'Invalid request', INVALID_FIELDS_DETAIL, { errors });
}

/**
 * Field errors found after parsing, by the checks that need stored data (an unknown code, a
 * day that changes nothing): collected so one answer lists them all.
 */
export class FieldErrors {
  readonly errors: FieldError[] = [];

  fail(field: string, message: string): void {
    this.errors.push({ field, message });
  }

  throwIfInvalid(): void {
    if (this.errors.length) throw invalidFields(this.errors);
  }
}
