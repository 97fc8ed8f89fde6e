import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * Finds the Temporal CLI (which embeds the dev server and its Web UI), building it
 * from source when it is missing. One module for `npm start`, tests and CI.
 *
 * Order: $TEMPORAL_CLI, then `temporal` on PATH, then the cache folder outside the
 * repository (fresh clones reuse it), then `go install` into that cache.
 * v1.5.1 is pinned because later tags carry a `replace` directive that `go install` refuses.
 */
export const TEMPORAL_CLI_MODULE = 'github.com/temporalio/cli/cmd/temporal@v1.5.1';

export function temporalCliCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'dossier-platform', 'temporal-cli');
}

export function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

function onPath(name: string, env: NodeJS.ProcessEnv): string | undefined {
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

/** The Go toolchain: on PATH, else where its installer puts it. */
export function findGo(env: NodeJS.ProcessEnv): string | undefined {
  return onPath('go', env) ?? (isExecutable('/usr/local/go/bin/go') ? '/usr/local/go/bin/go' : undefined);
}

export class TemporalCliUnavailableError extends Error {}

export interface FindOptions {
  env?: NodeJS.ProcessEnv;
  /** Build with `go install` when nothing is found (default true). */
  build?: boolean;
  log?: (line: string) => void;
}

export function findTemporalCli(options: FindOptions = {}): string {
  const env = options.env ?? process.env;
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  if (env.TEMPORAL_CLI) {
    if (isExecutable(env.TEMPORAL_CLI)) return env.TEMPORAL_CLI;
    throw new TemporalCliUnavailableError(`TEMPORAL_CLI=${env.TEMPORAL_CLI} is not an executable file`);
  }
  const fromPath = onPath('temporal', env);
  if (fromPath) return fromPath;
  const cacheDir = temporalCliCacheDir(env);
  const cached = path.join(cacheDir, 'temporal');
  if (isExecutable(cached)) return cached;
  if (options.build === false) {
    throw new TemporalCliUnavailableError(`Temporal CLI not found (TEMPORAL_CLI, PATH, ${cached})`);
  }
  const go = findGo(env);
  if (!go) {
    throw new TemporalCliUnavailableError(
      [
        'The Temporal CLI is needed to run the Temporal dev server, and it was not found.',
        'Install one of:',
        `  - Go (https://go.dev/dl/), then this script builds it: go install ${TEMPORAL_CLI_MODULE}`,
        '  - the Temporal CLI binary (https://github.com/temporalio/cli/releases), on PATH or in TEMPORAL_CLI',
        'or set TEMPORAL_ADDRESS to use an existing Temporal cluster.',
      ].join('\n'),
    );
  }
  fs.mkdirSync(cacheDir, { recursive: true });
  log(`Building the Temporal CLI (${TEMPORAL_CLI_MODULE}) into ${cacheDir}; the first build takes a few minutes…`);
  const result = spawnSync(go, ['install', TEMPORAL_CLI_MODULE], {
    env: { ...env, GOBIN: cacheDir, GOFLAGS: env.GOFLAGS ?? '-mod=mod' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (result.status !== 0 || !isExecutable(cached)) {
    throw new TemporalCliUnavailableError(
      `go install ${TEMPORAL_CLI_MODULE} failed (exit ${result.status ?? result.signal}). ` +
        'Check network access to the Go module proxy, or install the Temporal CLI and set TEMPORAL_CLI.',
    );
  }
  return cached;
}

if (require.main === module) {
  try {
    process.stdout.write(`${findTemporalCli()}\n`);
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exit(1);
  }
}
