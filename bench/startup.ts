/**
 * Start-up benchmark (issue 15): the wall time of whole `rbnn-sim` commands as a user runs them,
 * Node start-up and module loading included, over repeated runs. Targets on the 2-core machine:
 * `--version` under 0.4 s, `simulate --preset R2,paper --schedule-only -q` (0.25 s of work)
 * under 1 s. CPU time (user + system of the child) comes from /usr/bin/time when it exists.
 *
 *   npm run bench -- --only startup
 *   RBNN_SIM_BEFORE=/other/checkout/bin/rbnn-sim.js node dist/bench/run.js --only startup
 *
 * With RBNN_SIM_BEFORE (another built checkout's bin), its commands are timed too, round-robin
 * with these, so both see the same machine load.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../experiments/run-store.js';
import { compare, type Benchmark, type Row, type Timing } from './harness.js';

const CASES: Array<[string, string[]]> = [
  ['rbnn-sim --version', ['--version']],
  [
    'rbnn-sim simulate --preset R2,paper --schedule-only -q',
    ['simulate', '--preset', 'R2,paper', '--schedule-only', '-q'],
  ],
  ['rbnn-sim config --preset R2', ['config', '--preset', 'R2']],
  ['node -e 0 (Node alone)', []],
];

const TIME = '/usr/bin/time';

/** Runs the command once; wall ms, and CPU ms from /usr/bin/time when available. */
function runOnce(args: string[] | null, bin: string): Timing {
  const argv = args === null ? ['-e', '0'] : [bin, ...args];
  const timed = existsSync(TIME);
  const cmd = timed ? TIME : process.execPath;
  const full = timed ? ['-f', 'cpu %U %S', process.execPath, ...argv] : argv;
  const t0 = performance.now();
  const r = spawnSync(cmd, full, { encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'] });
  const wall = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${argv.join(' ')} exited ${r.status}: ${r.stderr}`);
  const m = /cpu ([\d.]+) ([\d.]+)\s*$/.exec(r.stderr);
  return m ? { wall, cpu: (Number(m[1]) + Number(m[2])) * 1000 } : { wall };
}

export const startupBenchmark: Benchmark = {
  name: 'startup',
  description:
    'whole rbnn-sim commands, Node start-up included (targets: --version < 400 ms, simulate --schedule-only < 1 s)',
  async run(): Promise<Row[]> {
    const bin = join(packageRoot(), 'bin', 'rbnn-sim.js');
    const before = process.env.RBNN_SIM_BEFORE;
    const cases = CASES.flatMap(([label, args]) => [
      { label, timed: () => runOnce(args.length ? args : null, bin) },
      ...(before && args.length ? [{ label: `before: ${label}`, timed: () => runOnce(args, before) }] : []),
    ]);
    const rows = await compare(cases, 10);
    return rows.map((r) => (r.case.startsWith('before: ') ? { ...r, note: before! } : r));
  },
};
