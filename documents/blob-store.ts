import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';

/**
 * Where document bytes live. Rows in `documents` hold what was checked about them (detected
 * type, size, SHA-256) and the key; the bytes never go through PostgreSQL or a workflow.
 */
export interface BlobStore {
  /** Human-readable kind, for logs and /health-style reports. */
  readonly kind: 'local' | 's3';
  /**
   * Streams `source` into a new blob and answers its key. If `source` fails (an oversized or
   * aborted upload is destroyed with an error), nothing is left behind and the error is rethrown.
   */
  put(source: Readable): Promise<{ key: string; sizeBytes: number }>;
  /** The blob's bytes; BlobNotFoundError when there is none. */
  get(key: string): Promise<Readable>;
  /** Size of the blob, or null when there is none. */
  head(key: string): Promise<{ sizeBytes: number } | null>;
  /** Removes a blob (a refused upload, a row that could not be written); no error when absent. */
  delete(key: string): Promise<void>;
}

export class BlobNotFoundError extends Error {
  constructor(readonly key: string) {
    super(`no blob ${key}`);
    this.name = 'BlobNotFoundError';
  }
}

/**
 * Keys never come from user input (no file name, no path the client chose): a month folder
 * keeps directories small, a random UUID makes keys unguessable and collision-free.
 */
export function newBlobKey(now: Date = new Date()): string {
  const month = `${now.getUTCFullYear()}/${String(now.getUTCMonth() + 1).padStart(2, '0')}`;
  return `${month}/${randomUUID()}`;
}

/** What newBlobKey makes: anything else read back from the database is refused, never opened. */
export const BLOB_KEY = /^\d{4}\/\d{2}\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function assertBlobKey(key: string): void {
  if (!BLOB_KEY.test(key)) throw new Error(`not a blob key: ${JSON.stringify(key)}`);
}
