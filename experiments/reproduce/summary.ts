/** A reproduction in a few lines of text: one line per finished run, and the closing summary. */
import { table } from '../table.js';
import type { ReproductionResult, RunEvent } from './reproduce.js';

const pc = (x: number): string => `${(x * 100).toFixed(2)} %`;

/** "[3/18] R1 lr=3 seed=1: test 19.00 %, validation 17.20 % (12 s)" */
export function runLine(e: RunEvent): string {
  const took = e.cached ? 'cached' : `${e.result.seconds.toFixed(0)} s`;
  const errors = `test ${pc(e.result.testError)}, validation ${pc(e.result.validationError)}`;
  return `[${e.done}/${e.total}] ${e.row} lr=${e.learningRate} seed=${e.seed}: ${errors} (${took})`;
}

/** Table 2 paper vs ours, the claims' verdicts, and how many runs were trained. */
export function reproductionSummary(r: ReproductionResult): string {
  const rows = r.rows.map((x) => [
    x.id,
    `${x.hiddenInitial} -> ${x.hiddenFinal}`,
    x.bits,
    x.iterations,
    x.bitsPerWeightFraction,
    x.storageKiB.toFixed(1),
    pc(x.paper.testError),
    `${pc(x.testError.mean)} ± ${(x.testError.std * 100).toFixed(2)}`,
    x.learningRate,
  ]);
  const head = ['row', 'hidden', 'n', 'k', 'bits/weight', 'KiB', 'paper error', `our error (${r.seeds.length} seeds)`];
  const t = table([...head, 'lr'], rows);
  const claims = r.claims.map((c) => `- ${c.claim}: ${c.verdict.toUpperCase()} (${c.ours})`).join('\n');
  const { runs, runsTrained, runsCached, wallSeconds } = r.timing;
  const timing = `${runs} runs (${runsTrained} trained, ${runsCached} from the cache), ${wallSeconds.toFixed(0)} s`;
  return `${t}\n\nclaims:\n${claims}\n\n${timing}`;
}
