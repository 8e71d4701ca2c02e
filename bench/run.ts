/**
 * Runs the registered benchmarks and prints one table.
 *
 *   npm run bench                     (builds, then runs all)
 *   node dist/bench/run.js --only data [--json]
 */
import { cpus, loadavg } from 'node:os';
import { benchmarks } from './index.js';
import type { Row } from './harness.js';

async function main(argv: string[]): Promise<number> {
  const only = argv.includes('--only') ? argv[argv.indexOf('--only') + 1] : undefined;
  const chosen = benchmarks.filter((b) => !only || b.name === only);
  if (chosen.length === 0) {
    process.stderr.write(
      `bench: no benchmark named "${only}" (available: ${benchmarks.map((b) => b.name).join(', ')})\n`,
    );
    return 2;
  }
  const results: Array<{ benchmark: string } & Row> = [];
  for (const b of chosen) {
    process.stderr.write(`running ${b.name}: ${b.description}...\n`);
    for (const row of await b.run()) results.push({ benchmark: b.name, ...row });
  }
  if (argv.includes('--json')) {
    process.stdout.write(`${JSON.stringify({ machine: machine(), results }, null, 2)}\n`);
  } else {
    process.stdout.write(`${machine()}\n\n${table(results)}\n`);
  }
  return 0;
}

function machine(): string {
  const c = cpus();
  const load = loadavg()
    .map((x) => x.toFixed(1))
    .join(' ');
  return (
    `machine: ${c.length} CPUs (${c[0]?.model.trim() ?? 'unknown'}), node ${process.version}, load average ` +
    `${load}, ${new Date().toISOString().slice(0, 10)}`
  );
}

function table(rows: Array<{ benchmark: string } & Row>): string {
  const ms = (x: number) => (Number.isNaN(x) ? '-' : x >= 100 ? x.toFixed(0) : x.toFixed(1));
  const cells = rows.map((r) => [
    r.benchmark,
    r.case,
    String(r.runs),
    ms(r.median),
    ms(r.min),
    ms(r.max),
    r.cpu === undefined ? '-' : ms(r.cpu),
    r.note ?? '',
  ]);
  const head = ['benchmark', 'case', 'runs', 'median ms', 'min ms', 'max ms', 'CPU ms', 'note'];
  const width = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const right = new Set([2, 3, 4, 5, 6]);
  const line = (c: string[]) =>
    c
      .map((x, i) => (right.has(i) ? x.padStart(width[i]!) : x.padEnd(width[i]!)))
      .join('  ')
      .trimEnd();
  return [line(head), line(width.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
