import { describe, expect, it } from 'vitest';
import { machineMarkdown, officerFigures, type ActionRun, type OfficerRound } from '../../bench/scenarios/b-officer-actions';

/** A run of `n` accept actions of 100 ms whose processes spent `cpu` ms over `wallMs`. */
const run = (n: number, cpu: Record<string, number> | null, wallMs = 1000): ActionRun => ({
  lanes: 2,
  dossiers: n,
  seconds: wallMs / 1000,
  failures: 0,
  timings: { accept: Array.from({ length: n }, () => 100) },
  ...(cpu ? { cpu: { byProcess: cpu, wallMs } } : {}),
});

describe("bench (b): the machine's CPU per officer action", () => {
  it('pools the rounds per timed action, by process, and counts the busy cores', () => {
    const rounds: OfficerRound[] = [
      { round: 1, system: run(10, { worker: 100, postgres: 50, harness: 10 }), baseline: run(10, { baselineWorker: 40 }), durable: run(10, { baselineWorker: 60, floorHttp: 20 }) },
      { round: 2, system: run(10, { worker: 140, postgres: 30, api: 70 }, 3000), baseline: run(10, { baselineWorker: 40 }), durable: run(10, { baselineWorker: 60, floorHttp: 20 }) },
    ];
    const { machine } = officerFigures(rounds);
    expect(machine.system).toMatchObject({ actions: 20, total: 20, perAction: { worker: 12, postgres: 4, harness: 0.5, api: 3.5 } });
    // 400 ms of CPU over 4 s of runs.
    expect(machine.system!.busyCores).toBeCloseTo(0.1, 6);
    expect(machine.bare).toMatchObject({ actions: 20, total: 4 });
    expect(machine.floor).toMatchObject({ actions: 20, total: 8 });
    expect(machine.http).toBeNull();
    const text = machineMarkdown(officerFigures(rounds));
    expect(text).toContain("the system 20.0 ms (the worker 12.0, PostgreSQL 4.0, the API 3.5, the harness 0.5; 0.10 cores busy; 20 actions)");
    expect(text).toContain("The system's is 5.00× the bare Update's and 2.50× the floor's");
  });

  it('leaves a side out when its runs were not measured', () => {
    const { machine } = officerFigures([{ round: 1, system: run(4, null), baseline: run(4, { baselineWorker: 8 }) }]);
    expect(machine.system).toBeNull();
    expect(machine.bare).toMatchObject({ actions: 4, total: 2 });
  });
});
