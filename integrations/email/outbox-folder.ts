import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * The development outbox: one file per accepted message, named after the sender's own
 * message key and written at most once. The sandboxes keep what they accepted here, so a
 * developer (or a test, from another process) reads exactly what went out, and a retried
 * request with the same key finds the first one instead of writing a second.
 */
export interface MessageFolder {
  readonly dir: string;
  /** Writes the file unless one with this key exists; says which happened. Never leaves half a file. */
  putOnce(key: string, content: string | Buffer): { created: boolean; file: string };
  read(key: string): string | null;
  /** Files in the folder, oldest name first. */
  list(): string[];
}

/** A file name for any key, one-to-one (percent-encoding keeps it readable). */
function fileName(key: string, ext: string): string {
  return `${key.replace(/[^A-Za-z0-9._-]/g, (c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`)}${ext}`;
}

export function messageFolder(dir: string, ext: string): MessageFolder {
  const file = (key: string) => path.join(dir, fileName(key, ext));
  return {
    dir,
    putOnce(key, content) {
      fs.mkdirSync(dir, { recursive: true });
      const target = file(key);
      const tmp = path.join(dir, `.${crypto.randomUUID()}.tmp`);
      fs.writeFileSync(tmp, content);
      try {
        // link() fails when the target exists, unlike rename(): the first writer wins.
        fs.linkSync(tmp, target);
        return { created: true, file: target };
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'EEXIST') return { created: false, file: target };
        throw err;
      } finally {
        fs.rmSync(tmp, { force: true });
      }
    },
    read(key) {
      try {
        return fs.readFileSync(file(key), 'utf8');
      } catch {
        return null;
      }
    },
    list() {
      try {
        return fs
          .readdirSync(dir)
          .filter((f) => f.endsWith(ext) && !f.startsWith('.'))
          .sort()
          .map((f) => path.join(dir, f));
      } catch {
        return [];
      }
    },
  };
}
