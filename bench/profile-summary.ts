import fs from 'node:fs';
import path from 'node:path';

/**
 * Summarises a V8 CPU profile (from `BENCH_CPU_PROF=api,worker BENCH_KEEP=1 npm run bench`):
 * where the busy time went, by package or source file, self and inclusive.
 * Usage: npx tsx bench/profile-summary.ts <file.cpuprofile | folder> [top]
 */
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

function moduleOf(url: string, fn: string): string {
  if (fn === '(idle)') return '(idle)';
  if (fn === '(garbage collector)') return '(garbage collector)';
  if (fn === '(program)') return '(program)';
  if (!url) return '(native)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[0]}`;
  const own = /\/work\/[^/]+\/(.*)$/.exec(url) ?? /([^/]+\/[^/]+)$/.exec(url);
  return own ? own[1]! : url;
}

export function summarizeProfile(file: string, top = 25): string {
  const prof = JSON.parse(fs.readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(prof.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const timeOf = new Map<number, number>();
  prof.samples.forEach((id, i) => timeOf.set(id, (timeOf.get(id) ?? 0) + (prof.timeDeltas[i] ?? 0)));
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const fns = new Map<string, number>();
  let busy = 0;
  for (const [id, us] of timeOf) {
    const n = byId.get(id)!;
    const m = moduleOf(n.callFrame.url, n.callFrame.functionName);
    if (m === '(idle)') continue;
    busy += us;
    self.set(m, (self.get(m) ?? 0) + us);
    const f = `${n.callFrame.functionName || '(anonymous)'} (${m}:${n.callFrame.lineNumber + 1})`;
    fns.set(f, (fns.get(f) ?? 0) + us);
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const k = moduleOf(byId.get(cur)!.callFrame.url, byId.get(cur)!.callFrame.functionName);
      if (!seen.has(k)) {
        seen.add(k);
        inclusive.set(k, (inclusive.get(k) ?? 0) + us);
      }
    }
  }
  const list = (m: Map<string, number>) =>
    [...m]
      .filter(([k]) => k !== '(native)' && k !== '(program)')
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, us]) => `  ${((100 * us) / busy).toFixed(1).padStart(5)} %  ${k}`)
      .join('\n');
  return [
    `${path.basename(file)}: ${(busy / 1e6).toFixed(1)} s busy`,
    'self time by module:',
    list(self),
    'inclusive time by module (on the stack):',
    list(inclusive),
    'self time by function:',
    list(fns),
  ].join('\n');
}

if (require.main === module) {
  const target = process.argv[2];
  if (!target) {
    process.stderr.write('usage: tsx bench/profile-summary.ts <file.cpuprofile | folder> [top]\n');
    process.exit(2);
  }
  const files = fs.statSync(target).isDirectory()
    ? fs.readdirSync(target, { recursive: true }).map(String).filter((f) => f.endsWith('.cpuprofile')).map((f) => path.join(target, f))
    : [target];
  for (const f of files) process.stdout.write(`${summarizeProfile(f, Number(process.argv[3] ?? 25))}\n\n`);
}
