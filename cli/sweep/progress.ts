/**
 * The sweep's progress bar on standard error, only on a terminal (and not with --quiet or
 * --json): training runs weighted by their size, then one step per costed point.
 */
import cliProgress from 'cli-progress';
import type { SweepProgress } from './runner.js';

export function sweepProgressBar(enabled: boolean): { update: SweepProgress; stop(): void } {
  if (!enabled || !process.stderr.isTTY) return { update: () => {}, stop: () => {} };
  const bar = new cliProgress.SingleBar({
    stream: process.stderr,
    format: 'sweep [{bar}] {percentage}% | eta {eta_formatted} | {label}',
    hideCursor: true,
    clearOnComplete: true,
    etaBuffer: 50,
  }, cliProgress.Presets.shades_classic);
  let started = false;
  let last = 0;
  return {
    update: (done, total, label) => {
      if (!started) { bar.start(total, 0, { label }); started = true; }
      const now = Date.now();
      if (done >= total || now - last > 100) {
        bar.setTotal(total);
        bar.update(done, { label });
        last = now;
      }
    },
    stop: () => { if (started) bar.stop(); },
  };
}
