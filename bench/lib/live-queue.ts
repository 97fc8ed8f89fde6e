/**
 * The bench's officers learn that a dossier changed as the console does: from the live queue
 * (`GET /api/v1/dossiers/events`, server-sent events fed by the read model's NOTIFY), not by
 * polling `GET /api/v1/dossiers/{code}` every 100 ms. A lane that waits for something (the
 * specialist assigned, the fee due, the result at the counter) reads the dossier, and reads it
 * again only after the stream says it changed, or after `fallbackMs` without news (the stream
 * has no replay: a change it missed is caught by that read).
 */
export interface QueueChange {
  code: string;
  agency: string;
  status: string;
  step: string | null;
  version: number;
}

export class LiveQueue {
  /** Changes seen per dossier code since the stream opened. */
  private readonly counts = new Map<string, number>();
  private readonly waiters = new Map<string, Set<() => void>>();
  private closed = false;
  /** How the waits of `next` ended: the stream told of a change, or `fallbackMs` passed without one. */
  readonly waits = { changed: 0, fallback: 0 };

  private constructor(private readonly abort: AbortController) {}

  /** Opens the stream with an officer's token; resolves once it says `ready` (nothing committed after that is missed). */
  static async open(baseUrl: string, token: string, agencyEid?: string): Promise<LiveQueue> {
    const abort = new AbortController();
    const url = `${baseUrl}/api/v1/dossiers/events${agencyEid ? `?agency=${encodeURIComponent(agencyEid)}` : ''}`;
    const res = await fetch(url, { headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' }, signal: abort.signal });
    if (res.status !== 200 || !res.body) throw new Error(`live queue ${url} → ${res.status} ${await res.text()}`);
    const queue = new LiveQueue(abort);
    let ready!: () => void;
    const isReady = new Promise<void>((r) => (ready = r));
    void queue.read(res.body, ready);
    await isReady;
    return queue;
  }

  private async read(body: ReadableStream<Uint8Array>, ready: () => void): Promise<void> {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          let event = 'message';
          let data = '';
          for (const line of block.split('\n')) {
            if (line.startsWith('event: ')) event = line.slice(7);
            else if (line.startsWith('data: ')) data += line.slice(6);
          }
          if (event === 'ready') ready();
          else if (event === 'dossier') this.changed(JSON.parse(data) as QueueChange);
        }
      }
    } catch (err) {
      if (!this.closed) throw err;
    }
  }

  private changed(c: QueueChange): void {
    this.counts.set(c.code, (this.counts.get(c.code) ?? 0) + 1);
    const ws = this.waiters.get(c.code);
    if (!ws) return;
    this.waiters.delete(c.code);
    this.waits.changed += ws.size;
    for (const w of ws) w();
  }

  /** How many changes of `code` the stream has told so far (to wait for the next one). */
  seen(code: string): number {
    return this.counts.get(code) ?? 0;
  }

  /** Resolves when `code` has changed more than `since` times, or after `fallbackMs`. */
  async next(code: string, since: number, fallbackMs: number): Promise<void> {
    if (this.seen(code) > since) return;
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.get(code)?.delete(done);
        resolve();
      };
      const timer = setTimeout(() => {
        this.waits.fallback += 1;
        done();
      }, fallbackMs);
      let ws = this.waiters.get(code);
      if (!ws) this.waiters.set(code, (ws = new Set()));
      ws.add(done);
    });
  }

  /**
   * Reads with `read` until `ok` holds: again only after a change of `code` (or `fallbackMs`
   * without one), failing after `timeoutMs`.
   */
  async until<T>(code: string, what: string, read: () => Promise<T>, ok: (x: T) => boolean, opts: { timeoutMs?: number; fallbackMs?: number } = {}): Promise<T> {
    const deadline = Date.now() + (opts.timeoutMs ?? 120_000);
    for (;;) {
      const since = this.seen(code);
      const x = await read();
      if (ok(x)) return x;
      if (Date.now() > deadline) throw new Error(`${code}: not ${what} within ${(opts.timeoutMs ?? 120_000) / 1000} s`);
      await this.next(code, since, opts.fallbackMs ?? 2_000);
    }
  }

  /** Changes of codes nobody waits for any more are forgotten between runs. */
  forget(): void {
    this.counts.clear();
  }

  close(): void {
    this.closed = true;
    this.abort.abort();
  }
}
