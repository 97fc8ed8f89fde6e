import fs from 'node:fs';
import path from 'node:path';
import { table, yesNo, type ScenarioId, type ScenarioResult } from './result';

/** One scenario's stored result: the figures plus how, where and when they were produced. */
export interface StoredResult extends Omit<ScenarioResult, 'startedAt'> {
  startedAt: string;
  command: string;
  quick: boolean;
  machine: { cpus: number; cpuModel: string; memGiB: number; node: string; platform: string; loadAverage?: number[] };
  postgres: string;
  /** The commit the working tree was at, and how many files differed from it (other engineers' work in progress). */
  git?: { commit: string; changedFiles: number };
}

export const SCENARIO_ORDER: ScenarioId[] = ['a', 'b', 'c', 'd', 'e'];

export const TITLES: Record<ScenarioId, string> = {
  a: '(a) Public status lookup',
  b: '(b) Dossier lifecycle',
  c: '(c) Read-model scale',
  d: '(d) Many open dossiers',
  e: '(e) Production-shaped engine',
};

const marker = (id: string, end: boolean) => `<!-- bench:${id}:${end ? 'end' : 'start'} -->`;

export function saveResult(dir: string, r: StoredResult): void {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, `${r.id}.json`), `${JSON.stringify(r, null, 2)}\n`);
}

export function loadResults(dir: string): Map<ScenarioId, StoredResult> {
  const out = new Map<ScenarioId, StoredResult>();
  for (const id of SCENARIO_ORDER) {
    const file = path.join(dir, `${id}.json`);
    if (fs.existsSync(file)) out.set(id, JSON.parse(fs.readFileSync(file, 'utf8')) as StoredResult);
  }
  return out;
}

function provenance(r: StoredResult): string {
  const m = r.machine;
  return [
    `*Run:* \`${r.command}\`${r.quick ? ' (**quick mode**: small sizes, not for conclusions)' : ''} — ${r.startedAt.replace('T', ' ').replace(/\.\d+Z$/, ' UTC')}, ${r.seconds.toFixed(0)} s.`,
    ...(r.git ? [`*Code:* commit \`${r.git.commit.slice(0, 12)}\`${r.git.changedFiles ? ` plus ${r.git.changedFiles} uncommitted changed or new file(s) in the working tree at run time (this harness and other engineers' work in progress)` : ''}.`] : []),
    `*Machine:* ${m.cpus} × ${m.cpuModel}, ${m.memGiB.toFixed(1)} GiB, ${m.platform}, Node ${m.node}, ${r.postgres}${m.loadAverage ? `; load average ${m.loadAverage.map((l) => l.toFixed(1)).join(' / ')} (1 / 5 / 15 min) when the scenario started` : ''}.`,
  ].join('  \n');
}

function section(r: StoredResult): string {
  return [
    provenance(r),
    '',
    r.markdown,
    '',
    table(
      ['target', 'goal', 'measured', 'verdict'],
      r.targets.map((t) => [t.what, t.target, t.value, yesNo(t.met)]),
    ),
  ].join('\n');
}

/** Issue 18's targets, by number, as the summary names them. */
export const ISSUE_TARGETS: Record<string, string> = {
  '1': 'Officer actions in one round trip',
  '2': 'Lifecycle near the ceiling',
  '3': 'Status lookup near the minimal lookup',
  '4': 'Whole-centre views ≤ 50 ms p95',
  '5': 'A production-shaped engine',
  '6': 'Worker memory and CPU per dossier',
};

/**
 * One row per target of every scenario: the issue-18 target it answers (when it does), what is
 * measured against what goal, the figure and the verdict.
 */
function summary(results: Map<ScenarioId, StoredResult>): string {
  const rows: Array<Array<string>> = [];
  for (const id of SCENARIO_ORDER) {
    const r = results.get(id);
    if (!r) {
      rows.push([TITLES[id], '—', '—', 'not run yet', '']);
      continue;
    }
    for (const t of r.targets) rows.push([TITLES[id], t.issue ? `${t.issue}. ${ISSUE_TARGETS[t.issue] ?? ''}`.trim() : '—', `${t.what}: ${t.target}`, t.value, yesNo(t.met)]);
  }
  return table(['scenario', 'issue 18 target', 'measured against', 'figure', 'verdict'], rows);
}

const TEMPLATE = (ids: string[]) =>
  [
    '# Benchmarks',
    '',
    marker('summary', false),
    marker('summary', true),
    '',
    ...ids.flatMap((id) => [`## ${TITLES[id as ScenarioId]}`, '', marker(id, false), marker(id, true), '']),
  ].join('\n');

/**
 * Writes the generated parts of BENCHMARKS.md (the summary and each scenario's section, between
 * their markers) from the stored results; everything outside the markers is kept as written.
 */
export function writeReport(file: string, results: Map<ScenarioId, StoredResult>): void {
  let text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : TEMPLATE(SCENARIO_ORDER);
  const replace = (id: string, body: string) => {
    const start = marker(id, false);
    const end = marker(id, true);
    const i = text.indexOf(start);
    const j = text.indexOf(end);
    if (i < 0 || j < i) {
      text += `\n${start}\n${body}\n${end}\n`;
      return;
    }
    text = `${text.slice(0, i + start.length)}\n${body}\n${text.slice(j)}`;
  };
  replace('summary', summary(results));
  for (const id of SCENARIO_ORDER) {
    const r = results.get(id);
    if (r) replace(id, section(r));
  }
  fs.writeFileSync(file, text);
}
