import type { DocumentsConfig } from '../platform/config';
import type { BlobStore } from './blob-store';
import { LocalBlobStore } from './local-blob-store';
import { S3BlobStore } from './s3-blob-store';

/** The blob store the configuration names (DOCUMENTS_STORE). */
export function createBlobStore(config: DocumentsConfig): BlobStore {
  if (config.store === 'local') return new LocalBlobStore(config.dir);
  const { s3 } = config;
  return new S3BlobStore({
    bucket: s3.bucket,
    region: s3.region,
    endpoint: s3.endpoint,
    forcePathStyle: s3.forcePathStyle,
    credentials: s3.accessKeyId && s3.secretAccessKey ? { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey } : undefined,
    prefix: s3.prefix,
    partSizeBytes: s3.partSizeBytes,
  });
}
