import { pipeline } from 'node:stream';
import type { IncomingMessage } from 'node:http';
import busboy from 'busboy';
import { SINGLE_LINE, unsafeTextError, unsafeTextProblem } from '../domain/input-safety';
import type { BlobStore } from './blob-store';
import { sanitiseFilename } from './filename';
import { EmptyFileError, UnsupportedTypeError, UploadInspector, UploadTooLargeError, type Inspection } from './inspect';
import { extensionOf, isAcceptableExtension } from './media-types';
import { invalidFields, malformedMultipart, notMultipart, tooLarge, unsupportedContent, unsupportedExtension, unsupportedZip } from './problems';

export interface UploadLimits {
  /** Largest file accepted, in bytes. */
  maxBytes: number;
  /** Text fields per request (besides the file). */
  maxFields: number;
  /** Largest text field, in bytes. */
  maxFieldBytes: number;
}

export interface ReceivedUpload extends Inspection {
  /** The blob holding the bytes; the caller deletes it if it cannot record the document. */
  storageKey: string;
  /** Sanitised, with an extension fitting the detected type. */
  filename: string;
  /** Text fields as sent (validated by the caller). */
  fields: Record<string, string>;
}

/** Multipart framing (boundaries, part headers, text fields) allowed on top of the file itself. */
const ENVELOPE_BYTES = 64 * 1024;
/** Once a request is refused, this much more of its body is read and dropped so the client sees the answer; past it the connection is cut. */
const DRAIN_BYTES = 1024 * 1024;

/**
 * Reads a multipart/form-data upload with one file in the field `file`, streaming the file
 * through the inspector (limit, SHA-256, type) into the blob store: the file is never held
 * whole in memory. Any refusal (size, type, extra parts, malformed or aborted body) leaves no
 * blob behind and rejects with the DomainError to answer.
 */
export function receiveUpload(req: IncomingMessage, store: BlobStore, limits: UploadLimits): Promise<ReceivedUpload> {
  if (!/^multipart\/form-data\s*;/i.test(req.headers['content-type'] ?? '')) return Promise.reject(notMultipart());
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limits.maxBytes + ENVELOPE_BYTES) {
    discardRest(req);
    return Promise.reject(tooLarge(limits.maxBytes));
  }
  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: req.headers,
      // Browsers send UTF-8 file names; busboy's default (latin1) would garble Vietnamese ones.
      defParamCharset: 'utf8',
      limits: { files: 1, fields: limits.maxFields, parts: limits.maxFields + 1, fieldSize: limits.maxFieldBytes, fileSize: limits.maxBytes + 1, headerPairs: 20 },
    });
  } catch {
    return Promise.reject(malformedMultipart());
  }

  return new Promise<ReceivedUpload>((resolve, reject) => {
    const fields: Record<string, string> = {};
    const errors: Array<{ field: string; message: string }> = [];
    let stored: Promise<{ key: string }> | undefined;
    let inspector: UploadInspector | undefined;
    let filename: string | undefined;
    let settled = false;

    const fail = (error: Error) => {
      if (settled) return;
      settled = true;
      req.unpipe(parser);
      parser.destroy();
      discardRest(req);
      // The answer waits until nothing is left in the store: a blob still being written
      // removes itself when its source fails; one already complete is deleted here.
      const cleaned = stored ? stored.then((s) => store.delete(s.key)).catch(() => undefined) : Promise.resolve();
      void cleaned.then(() => reject(error));
    };

    parser.on('file', (field, file, info) => {
      // Destroying the parser on a refusal fails this stream too; that error is already answered.
      file.on('error', () => undefined);
      if (field !== 'file') {
        errors.push({ field, message: 'tệp phải gửi trong trường "file"' });
        file.resume();
        return;
      }
      filename = info.filename;
      const ext = extensionOf(filename ?? '');
      // Refused before a byte is stored: a name like "hoso.exe" is never what a citizen should send.
      if (!isAcceptableExtension(ext)) return fail(unsupportedExtension(ext));
      const inspecting = new UploadInspector(limits.maxBytes);
      inspector = inspecting;
      file.on('limit', () => inspecting.destroy(new UploadTooLargeError(limits.maxBytes)));
      pipeline(file, inspecting, (err) => {
        if (err) fail(problemOf(err, limits));
      });
      stored = store.put(inspecting);
      stored.catch((err) => fail(problemOf(err, limits)));
    });
    parser.on('field', (name, value, info) => {
      // The same characters are refused here as in a JSON body: a 422 naming the field, before the file is kept.
      const unsafe = unsafeTextError(name, name, SINGLE_LINE) ?? unsafeTextError(name, value);
      if (unsafe) return fail(unsafeTextProblem([unsafe]));
      if (info.valueTruncated) errors.push({ field: name, message: `tối đa ${limits.maxFieldBytes} byte` });
      else fields[name] = value;
    });
    parser.on('filesLimit', () => fail(invalidFields([...errors, { field: 'file', message: 'chỉ gửi một tệp mỗi lần tải lên' }])));
    parser.on('fieldsLimit', () => fail(invalidFields([{ field: 'fields', message: `tối đa ${limits.maxFields} trường nội dung` }])));
    parser.on('partsLimit', () => fail(invalidFields([{ field: 'fields', message: `tối đa ${limits.maxFields} trường nội dung và một tệp` }])));
    parser.on('error', () => fail(malformedMultipart()));
    parser.on('close', async () => {
      if (settled) return;
      if (!stored || !inspector) {
        errors.unshift({ field: 'file', message: 'bắt buộc chọn một tệp để tải lên' });
        return fail(invalidFields(errors));
      }
      let blob: { key: string };
      try {
        blob = await stored;
      } catch (err) {
        return fail(problemOf(err, limits));
      }
      if (settled) return;
      if (errors.length) return fail(invalidFields(errors));
      settled = true;
      const inspection = inspector.result();
      resolve({ ...inspection, storageKey: blob.key, filename: sanitiseFilename(filename, inspection.mediaType), fields });
    });
    // A client that goes away mid-upload: the parser fails the file stream, and the store drops it.
    req.on('close', () => {
      if (!req.complete) fail(malformedMultipart());
    });
    req.pipe(parser);
  });
}

/** The answer for what went wrong; anything that is not the client's doing stays a plain error (500). */
function problemOf(err: unknown, limits: UploadLimits): Error {
  if (err instanceof UploadTooLargeError) return tooLarge(limits.maxBytes);
  if (err instanceof UnsupportedTypeError) return err.reason === 'not-ooxml' ? unsupportedZip() : unsupportedContent();
  if (err instanceof EmptyFileError) return invalidFields([{ field: 'file', message: 'tệp rỗng' }]);
  if (err instanceof Error && /Unexpected end of (form|file)|premature close/i.test(err.message)) return malformedMultipart();
  // The blob store failed (disk full, S3 down): an operator's problem, not the client's.
  return err instanceof Error ? err : new Error(String(err));
}

/**
 * After a refusal the client may still be sending: read and drop a bounded amount so it gets
 * the answer instead of a reset, then cut the connection of anyone who keeps sending.
 */
function discardRest(req: IncomingMessage): void {
  let dropped = 0;
  req.on('data', (chunk: Buffer) => {
    dropped += chunk.length;
    if (dropped > DRAIN_BYTES) req.socket.destroy();
  });
  req.resume();
}
