import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import { PAYMENT_SECRET, POSTAL_SECRET, startProcess } from '../../test/helpers/stack';

/** The real API process (`api/main.ts`), as `npm start` runs it, on a given port. */
export interface ApiProcess {
  child: ChildProcess;
  baseUrl: string;
  output(): string;
  exited: Promise<number | null>;
  kill(): Promise<void>;
  stop(): Promise<void>;
}

/** Environment of an API process: the stack's, on `port`, with the sandboxes' secrets the suites sign with. */
export function apiEnv(base: NodeJS.ProcessEnv, port: number): NodeJS.ProcessEnv {
  return {
    ...base,
    HOST: '127.0.0.1',
    PORT: String(port),
    PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
    PAYMENT_SECRET,
    POSTAL_SECRET,
    PUBLIC_RATE_LIMIT_PER_MINUTE: '0',
    LOG_LEVEL: base.LOG_LEVEL ?? 'warn',
  };
}

export async function startApiProcess(env: NodeJS.ProcessEnv): Promise<ApiProcess> {
  const { child, output, exited, signal } = await startProcess('api', path.join('api', 'main.ts'), env, /api: listening on/);
  return { child, baseUrl: `http://127.0.0.1:${env.PORT}`, output, exited, kill: () => signal('SIGKILL'), stop: () => signal('SIGTERM') };
}
