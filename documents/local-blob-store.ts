import fsp from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { assertBlobKey, BlobNotFoundError, newBlobKey, type BlobStore } from './blob-store';

const TEMP_DIR = '.incoming';
/** Temporary files older than this belong to a process that died mid-upload. */
const STALE_TEMP_MS = 60 * 60 * 1000;

/**
 * Blobs as files under one folder (DATA_DIR/documents by default). A blob appears under its
 * key only once complete: bytes go to a temporary file in the same folder tree (same file
 * system, so the rename is atomic), are flushed to disk, then renamed into place.
 */
export class LocalBlobStore implements BlobStore {
  readonly kind = 'local';
  private readonly tempDir: string;

  constructor(readonly root: string) {
    this.root = path.resolve(root);
    this.tempDir = path.join(this.root, TEMP_DIR);
  }

  private pathOf(key: string): string {
    assertBlobKey(key);
    return path.join(this.root, ...key.split('/'));
  }

  async put(source: Readable): Promise<{ key: string; sizeBytes: number }> {
    const key = newBlobKey();
    const target = this.pathOf(key);
    await fsp.mkdir(this.tempDir, { recursive: true, mode: 0o700 });
    const temp = path.join(this.tempDir, `${path.basename(target)}.part`);
    // 'wx': never follow or reuse an existing file; 0600: documents hold personal data.
    const file = await fsp.open(temp, 'wx', 0o600);
    let sizeBytes = 0;
    try {
      try {
        for await (const chunk of source) {
          const buf = chunk as Buffer;
          await file.write(buf);
          sizeBytes += buf.length;
        }
        await file.sync();
      } finally {
        await file.close();
      }
      await fsp.mkdir(path.dirname(target), { recursive: true, mode: 0o700 });
      await fsp.rename(temp, target);
    } catch (err) {
      await fsp.rm(temp, { force: true });
      source.destroy();
      throw err;
    }
    await syncDir(path.dirname(target));
    return { key, sizeBytes };
  }

  async get(key: string): Promise<Readable> {
    const file = this.pathOf(key);
    // Opened before answering, so a missing file is a clean 404 rather than a broken stream.
    const handle = await fsp.open(file, 'r').catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') throw new BlobNotFoundError(key);
      throw err;
    });
    return handle.createReadStream();
  }

  async head(key: string): Promise<{ sizeBytes: number } | null> {
    try {
      const st = await fsp.stat(this.pathOf(key));
      return { sizeBytes: st.size };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    await fsp.rm(this.pathOf(key), { force: true });
  }

  /** Removes temporary files left by a process that died mid-upload. */
  async sweepTemporary(olderThanMs = STALE_TEMP_MS): Promise<number> {
    let removed = 0;
    const names = await fsp.readdir(this.tempDir).catch(() => [] as string[]);
    for (const name of names) {
      const file = path.join(this.tempDir, name);
      const st = await fsp.stat(file).catch(() => null);
      if (st && Date.now() - st.mtimeMs > olderThanMs) {
        await fsp.rm(file, { force: true });
        removed += 1;
      }
    }
    return removed;
  }
}

/** The rename is durable only once the directory entry is on disk (best effort: not every platform allows it). */
async function syncDir(dir: string): Promise<void> {
  const handle = await fsp.open(dir, 'r').catch(() => null);
  if (!handle) return;
  await handle.sync().catch(() => undefined);
  await handle.close();
}
