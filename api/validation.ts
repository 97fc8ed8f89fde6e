import { HttpProblem } from './problem';

/** Collects field errors so a caller learns everything wrong with a request in one answer. */
export class Validator {
  readonly errors: Array<{ field: string; message: string }> = [];

  fail(field: string, message: string): void {
    this.errors.push({ field, message });
  }

  string(
    obj: Record<string, unknown>,
    field: string,
    path: string,
    opts: { required?: boolean; min?: number; max?: number; pattern?: RegExp; patternMessage?: string } = {},
  ): string | undefined {
    const value = obj[field];
    if (value === undefined || value === null || value === '') {
      if (opts.required) this.fail(path, 'bắt buộc nhập');
      return undefined;
    }
    if (typeof value !== 'string') {
      this.fail(path, 'phải là chuỗi ký tự');
      return undefined;
    }
    const v = value.trim();
    if (opts.min !== undefined && v.length < opts.min) this.fail(path, `tối thiểu ${opts.min} ký tự`);
    else if (opts.max !== undefined && v.length > opts.max) this.fail(path, `tối đa ${opts.max} ký tự`);
    else if (opts.pattern && !opts.pattern.test(v)) this.fail(path, opts.patternMessage ?? 'không đúng định dạng');
    return v;
  }

  number(
    obj: Record<string, unknown>,
    field: string,
    path: string,
    opts: { required?: boolean; min?: number; max?: number; integer?: boolean } = {},
  ): number | undefined {
    const value = obj[field];
    if (value === undefined || value === null) {
      if (opts.required) this.fail(path, 'bắt buộc nhập');
      return undefined;
    }
    if (typeof value !== 'number' || !Number.isFinite(value) || (opts.integer && !Number.isInteger(value))) {
      this.fail(path, opts.integer ? 'phải là số nguyên' : 'phải là số');
      return undefined;
    }
    if ((opts.min !== undefined && value < opts.min) || (opts.max !== undefined && value > opts.max)) {
      this.fail(path, `phải từ ${opts.min ?? '-∞'} đến ${opts.max ?? '∞'}`);
      return undefined;
    }
    return value;
  }

  oneOf<T extends string>(obj: Record<string, unknown>, field: string, path: string, allowed: readonly T[], required = true): T | undefined {
    const value = obj[field];
    if (value === undefined || value === null) {
      if (required) this.fail(path, `bắt buộc nhập, một trong: ${allowed.join(', ')}`);
      return undefined;
    }
    if (typeof value !== 'string' || !allowed.includes(value as T)) {
      this.fail(path, `phải là một trong: ${allowed.join(', ')}`);
      return undefined;
    }
    return value as T;
  }

  object(obj: Record<string, unknown>, field: string, path: string, required = true): Record<string, unknown> | undefined {
    const value = obj[field];
    if (value === undefined || value === null) {
      if (required) this.fail(path, 'bắt buộc nhập');
      return undefined;
    }
    if (typeof value !== 'object' || Array.isArray(value)) {
      this.fail(path, 'phải là một đối tượng JSON');
      return undefined;
    }
    return value as Record<string, unknown>;
  }

  throwIfInvalid(): void {
    if (this.errors.length) {
      throw new HttpProblem(422, 'Invalid request', 'Thông tin gửi lên chưa hợp lệ, vui lòng kiểm tra các trường được liệt kê.', {
        errors: this.errors,
      });
    }
  }
}

export function bodyOf(body: unknown): Record<string, unknown> {
  if (body === undefined || body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new HttpProblem(400, 'Malformed request', 'Nội dung yêu cầu phải là một đối tượng JSON (Content-Type: application/json).');
  }
  return body as Record<string, unknown>;
}
