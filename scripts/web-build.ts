import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * The web front end (web/: the citizen portal and the staff console), built by Vite into
 * dist/web, which the API serves (api/web.ts). The build is stamped with a hash of its sources
 * (web/ and package-lock.json): `npm start` and the test setup rebuild only when they changed,
 * and a fresh build costs one hash of a few dozen files. `npm run build` builds it too.
 */
const ROOT = path.join(__dirname, '..');
export const WEB_SOURCES = path.join(ROOT, 'web');
export const WEB_OUT = path.join(ROOT, 'dist', 'web');
/** Written last into a finished build; api/web.ts serves only a folder that has it. */
export const WEB_STAMP = '.build-stamp.json';

function listFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.name === 'node_modules' ? [] : e.isDirectory() ? listFiles(path.join(dir, e.name)) : [path.join(dir, e.name)]))
    .sort();
}

/** A hash of everything the build reads: the sources under web/ and the locked dependency versions. */
export function webSourceHash(): string {
  const h = crypto.createHash('sha256');
  for (const file of [...listFiles(WEB_SOURCES), path.join(ROOT, 'package-lock.json')]) {
    h.update(path.relative(ROOT, file)).update('\0').update(fs.readFileSync(file)).update('\0');
  }
  return h.digest('hex');
}

export function webBuildIsFresh(outDir = WEB_OUT, hash = webSourceHash()): boolean {
  try {
    return JSON.parse(fs.readFileSync(path.join(outDir, WEB_STAMP), 'utf8')).sources === hash && fs.existsSync(path.join(outDir, 'index.html'));
  } catch {
    return false;
  }
}

/** Builds into a scratch folder beside dist/web, then swaps it in: a server reading dist/web never sees half a build. */
export async function buildWeb(log: (line: string) => void = () => {}): Promise<void> {
  const hash = webSourceHash();
  const scratch = `${WEB_OUT}.build-${process.pid}`;
  fs.mkdirSync(path.dirname(WEB_OUT), { recursive: true });
  const vite = path.join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js');
  let output = '';
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(process.execPath, [vite, 'build', '--config', path.join(WEB_SOURCES, 'vite.config.mts'), '--logLevel', 'warn'], {
      cwd: ROOT,
      env: { ...process.env, WEB_OUT_DIR: scratch },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.on('data', (b) => (output += b));
    child.stderr.on('data', (b) => (output += b));
    child.once('error', reject);
    child.once('exit', resolve);
  });
  if (code !== 0) {
    fs.rmSync(scratch, { recursive: true, force: true });
    throw new Error(`the web build failed (vite build exited ${code}):\n${output}`);
  }
  fs.writeFileSync(path.join(scratch, WEB_STAMP), `${JSON.stringify({ sources: hash, builtAt: new Date().toISOString() })}\n`);
  const old = `${WEB_OUT}.old-${process.pid}`;
  if (fs.existsSync(WEB_OUT)) fs.renameSync(WEB_OUT, old);
  fs.renameSync(scratch, WEB_OUT);
  fs.rmSync(old, { recursive: true, force: true });
  log(`web built into ${path.relative(ROOT, WEB_OUT)}`);
}

/** Builds the web unless dist/web is the build of the current sources; true when it built. */
export async function ensureWebBuilt(log: (line: string) => void = () => {}): Promise<boolean> {
  if (webBuildIsFresh()) return false;
  log('web sources changed since the last build: building the portal and the console (vite build)…');
  await buildWeb(log);
  return true;
}

if (require.main === module) {
  const force = process.argv.includes('--force');
  const log = (line: string) => process.stdout.write(`web: ${line}\n`);
  (force ? buildWeb(log).then(() => true) : ensureWebBuilt(log))
    .then((built) => {
      if (!built) log('dist/web is up to date');
    })
    .catch((err: Error) => {
      process.stderr.write(`web: ${err.message}\n`);
      process.exit(1);
    });
}
