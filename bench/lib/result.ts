/** What a scenario hands to the report. */
export interface Target {
  /** The issue-18 target this row answers ('1' … '6'), shown in the summary; none for a report-only row of an older target. */
  issue?: string;
  what: string;
  target: string;
  value: string;
  met: boolean | null;
}

export type ScenarioId = 'a' | 'b' | 'c' | 'd' | 'e';

export interface ScenarioResult {
  id: ScenarioId;
  title: string;
  startedAt: Date;
  seconds: number;
  /** The scenario's own section body (tables, plans, notes), in Markdown. */
  markdown: string;
  targets: Target[];
  /** Raw figures, kept in the JSON next to the report. */
  raw: unknown;
}

/** A Markdown table. */
export function table(header: string[], rows: Array<Array<string | number>>): string {
  const line = (cells: Array<string | number>) => `| ${cells.map((c) => String(c).replace(/\|/g, '\\|')).join(' | ')} |`;
  return [line(header), `|${header.map(() => '---').join('|')}|`, ...rows.map(line)].join('\n');
}

export const yesNo = (met: boolean | null) => (met === null ? 'n/a' : met ? '**met**' : '**missed**');
