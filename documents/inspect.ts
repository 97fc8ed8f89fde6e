import { createHash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { type AcceptedMediaType } from './media-types';
import { HEAD_BYTES, ooxmlType, sniffHead, ZIP_TAIL_BYTES, zipEntryNames, type HeadVerdict } from './sniff';

/** The upload went past the size limit; it is aborted and nothing is kept. */
export class UploadTooLargeError extends Error {
  constructor(readonly limitBytes: number) {
    super(`upload exceeds ${limitBytes} bytes`);
    this.name = 'UploadTooLargeError';
  }
}

/** The bytes are not a type we accept (or a ZIP that is not Word/Excel). */
export class UnsupportedTypeError extends Error {
  constructor(readonly reason: 'unknown' | 'not-ooxml') {
    super(`unsupported file type (${reason})`);
    this.name = 'UnsupportedTypeError';
  }
}

export class EmptyFileError extends Error {
  constructor() {
    super('empty file');
    this.name = 'EmptyFileError';
  }
}

export interface Inspection {
  sizeBytes: number;
  /** Lower-case hex. */
  sha256: string;
  mediaType: AcceptedMediaType;
}

/**
 * Passes an upload through unchanged while counting it against the limit, hashing it
 * (SHA-256) and reading its type from its bytes, with memory bounded by the ZIP tail window
 * whatever the file's size. It fails the stream, so the blob store drops what it wrote:
 * - as soon as the count passes the limit;
 * - as soon as the first bytes match no accepted type;
 * - at the end, for a ZIP that is not a Word or Excel file.
 */
export class UploadInspector extends Transform {
  private readonly hash = createHash('sha256');
  private bytes = 0;
  private head = Buffer.alloc(0);
  private verdict: HeadVerdict | undefined;
  private tail: Buffer[] = [];
  private tailBytes = 0;
  private outcome: Inspection | undefined;

  constructor(private readonly maxBytes: number) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.maxBytes) return callback(new UploadTooLargeError(this.maxBytes));
    this.hash.update(chunk);
    if (this.verdict === undefined) {
      this.head = Buffer.concat([this.head, chunk.subarray(0, HEAD_BYTES - this.head.length)]);
      if (this.head.length >= HEAD_BYTES) {
        const verdict = sniffHead(this.head);
        if (!verdict) return callback(new UnsupportedTypeError('unknown'));
        this.verdict = verdict;
      }
    }
    if (this.verdict === undefined || this.verdict === 'zip') this.keepTail(chunk);
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    if (this.bytes === 0) return callback(new EmptyFileError());
    const verdict = this.verdict ?? sniffHead(this.head);
    if (!verdict) return callback(new UnsupportedTypeError('unknown'));
    let mediaType: AcceptedMediaType;
    if (verdict === 'zip') {
      const names = zipEntryNames(Buffer.concat(this.tail, this.tailBytes), this.bytes);
      const ooxml = names ? ooxmlType(names) : null;
      if (!ooxml) return callback(new UnsupportedTypeError('not-ooxml'));
      mediaType = ooxml;
    } else {
      mediaType = verdict;
    }
    this.outcome = { sizeBytes: this.bytes, sha256: this.hash.digest('hex'), mediaType };
    callback();
  }

  /** What was found; only after the stream has ended without error. */
  result(): Inspection {
    if (!this.outcome) throw new Error('the upload was not inspected to its end');
    return this.outcome;
  }

  /** Keeps at least the last ZIP_TAIL_BYTES bytes seen, dropping whole older chunks. */
  private keepTail(chunk: Buffer): void {
    this.tail.push(chunk);
    this.tailBytes += chunk.length;
    while (this.tail.length > 1 && this.tailBytes - this.tail[0]!.length >= ZIP_TAIL_BYTES) {
      this.tailBytes -= this.tail.shift()!.length;
    }
  }
}
