import type { Readable } from 'node:stream';
import type { CompletedPart, S3Client } from '@aws-sdk/client-s3';
import { assertBlobKey, BlobNotFoundError, newBlobKey, type BlobStore } from './blob-store';

type S3Sdk = typeof import('@aws-sdk/client-s3');

/**
 * The SDK is loaded on first use, not on import: it is heavy and prints a Node-version warning,
 * and a deployment on the local store never needs it.
 */
function loadSdk(): S3Sdk {
  return require('@aws-sdk/client-s3') as S3Sdk;
}

/** S3's floor for every part but the last. */
export const MIN_PART_BYTES = 5 * 1024 * 1024;

export interface S3BlobStoreOptions {
  bucket: string;
  region: string;
  /** An S3-compatible service (MinIO, Ceph, a Vietnamese cloud's object storage); empty: AWS. */
  endpoint?: string;
  /** Path-style URLs (`endpoint/bucket/key`), which most S3-compatible services need. */
  forcePathStyle: boolean;
  /** Static keys; absent: the SDK's default chain (environment, profile, instance role). */
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /** Prepended to every key, so one bucket can serve several deployments. */
  prefix?: string;
  /** Bytes held in memory per upload: one part (≥ 5 MiB). */
  partSizeBytes?: number;
}

/**
 * Blobs in an S3-compatible bucket. The length of an upload is not known until it ends, and
 * PutObject needs it, so bytes are sent part by part (multipart upload, one part in memory at
 * a time); a blob smaller than one part goes as a single PutObject. A failed source aborts the
 * multipart upload, so no partial object is ever visible.
 */
export class S3BlobStore implements BlobStore {
  readonly kind = 's3';
  readonly client: S3Client;
  private readonly sdk: S3Sdk;
  private readonly bucket: string;
  private readonly prefix: string;
  private readonly partSize: number;

  constructor(options: S3BlobStoreOptions, client?: S3Client) {
    this.bucket = options.bucket;
    this.prefix = options.prefix ?? '';
    this.partSize = Math.max(options.partSizeBytes ?? MIN_PART_BYTES, MIN_PART_BYTES);
    this.sdk = loadSdk();
    this.client =
      client ??
      new this.sdk.S3Client({
        region: options.region,
        endpoint: options.endpoint || undefined,
        forcePathStyle: options.forcePathStyle,
        credentials: options.credentials,
        // Many S3-compatible services reject the SDK's newer default checksums (CRC32 trailers).
        requestChecksumCalculation: 'WHEN_REQUIRED',
        responseChecksumValidation: 'WHEN_REQUIRED',
      });
  }

  private objectKey(key: string): string {
    assertBlobKey(key);
    return `${this.prefix}${key}`;
  }

  async put(source: Readable): Promise<{ key: string; sizeBytes: number }> {
    const key = newBlobKey();
    const Key = this.objectKey(key);
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    let sizeBytes = 0;
    let uploadId: string | undefined;
    const parts: CompletedPart[] = [];

    const sendPart = async () => {
      if (!uploadId) {
        const created = await this.client.send(new this.sdk.CreateMultipartUploadCommand({ Bucket: this.bucket, Key }));
        if (!created.UploadId) throw new Error('S3 gave no UploadId');
        uploadId = created.UploadId;
      }
      const Body = Buffer.concat(pending, pendingBytes);
      pending = [];
      pendingBytes = 0;
      const PartNumber = parts.length + 1;
      const out = await this.client.send(new this.sdk.UploadPartCommand({ Bucket: this.bucket, Key, UploadId: uploadId, PartNumber, Body, ContentLength: Body.length }));
      parts.push({ PartNumber, ETag: out.ETag });
    };

    try {
      for await (const chunk of source) {
        const buf = chunk as Buffer;
        pending.push(buf);
        pendingBytes += buf.length;
        sizeBytes += buf.length;
        if (pendingBytes >= this.partSize) await sendPart();
      }
      if (!uploadId) {
        const Body = Buffer.concat(pending, pendingBytes);
        await this.client.send(new this.sdk.PutObjectCommand({ Bucket: this.bucket, Key, Body, ContentLength: Body.length }));
      } else {
        if (pendingBytes > 0) await sendPart();
        await this.client.send(new this.sdk.CompleteMultipartUploadCommand({ Bucket: this.bucket, Key, UploadId: uploadId, MultipartUpload: { Parts: parts } }));
      }
    } catch (err) {
      source.destroy();
      if (uploadId) {
        await this.client.send(new this.sdk.AbortMultipartUploadCommand({ Bucket: this.bucket, Key, UploadId: uploadId })).catch(() => undefined);
      }
      throw err;
    }
    return { key, sizeBytes };
  }

  async get(key: string): Promise<Readable> {
    try {
      const out = await this.client.send(new this.sdk.GetObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) }));
      // In Node the SDK answers an http.IncomingMessage (a Readable).
      return out.Body as Readable;
    } catch (err) {
      if (isNotFound(err)) throw new BlobNotFoundError(key);
      throw err;
    }
  }

  async head(key: string): Promise<{ sizeBytes: number } | null> {
    try {
      const out = await this.client.send(new this.sdk.HeadObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) }));
      return { sizeBytes: Number(out.ContentLength ?? 0) };
    } catch (err) {
      if (isNotFound(err)) return null;
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    await this.client.send(new this.sdk.DeleteObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) }));
  }
}

function isNotFound(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e?.name === 'NoSuchKey' || e?.name === 'NotFound' || e?.$metadata?.httpStatusCode === 404;
}
