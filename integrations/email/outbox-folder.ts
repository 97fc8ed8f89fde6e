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

/**
 * What a sandbox gateway accepted, by our message id: in `dir` when given (one JSON file each,
 * readable from another process), in memory otherwise. A message is kept once: a repeated id
 * finds the first one, as gateways with duplicate protection answer.
 */
export interface AcceptedMessages<T extends { messageId: string }> {
  /** The message id given to an earlier message with this id, or null. */
  recall(id: string): string | null;
  /** Keeps `message` unless a concurrent request with this id got there first; the id of the one kept. */
  keep(id: string, message: T): string;
  list(): T[];
}

export function acceptedMessages<T extends { messageId: string }>(dir: string | undefined): AcceptedMessages<T> {
  const folder: MessageFolder | null = dir ? messageFolder(dir, '.json') : null;
  const memory = new Map<string, T>();
  return {
    recall(id) {
      const existing = folder ? folder.read(id) : null;
      if (existing) return (JSON.parse(existing) as T).messageId;
      const known = memory.get(id);
      return known ? known.messageId : null;
    },
    keep(id, message) {
      if (folder) {
        const put = folder.putOnce(id, JSON.stringify(message, null, 2));
        // A concurrent request with the same id got there first: its message is the one sent.
        if (!put.created) return (JSON.parse(folder.read(id)!) as T).messageId;
      } else memory.set(id, message);
      return message.messageId;
    },
    list() {
      if (!folder) return [...memory.values()];
      return folder.list().map((f) => JSON.parse(fs.readFileSync(f, 'utf8')) as T);
    },
  };
}
