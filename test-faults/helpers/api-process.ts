import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { PAYMENT_SECRET, POSTAL_SECRET, ROOT } from '../../test/helpers/stack';

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
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'api', 'main.ts')], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (b) => (out += b));
  child.stderr!.on('data', (b) => (out += b));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const deadline = Date.now() + 60_000;
  while (!/api: listening on/.test(out)) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`api exited early:\n${out}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`api did not start:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const signal = async (sig: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(sig);
    await exited;
  };
  return { child, baseUrl: `http://127.0.0.1:${env.PORT}`, output: () => out, exited, kill: () => signal('SIGKILL'), stop: () => signal('SIGTERM') };
}
