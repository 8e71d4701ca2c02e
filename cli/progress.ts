/**
 * A progress bar on standard error when it is a terminal (and progress is on); nothing
 * otherwise, so pipes and CI logs stay clean. Used by train/run (batches) and sweep (work units).
 */
import cliProgress from 'cli-progress';
import type { ProgressFn } from '../model/results.js';

export interface Progress {
  update: ProgressFn;
  stop(): void;
}

/** `unit` names what is counted ("batches"); without it the bar shows percentages only. */
export function progressBar(enabled: boolean, title: string, unit?: string): Progress {
  if (!enabled || !process.stderr.isTTY) return { update: () => {}, stop: () => {} };
  const count = unit ? ` | {value}/{total} ${unit}` : '';
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: `${title} [{bar}] {percentage}%${count} | eta {eta_formatted} | {label}`,
      hideCursor: true,
      clearOnComplete: true,
      etaBuffer: 100,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  let last = 0;
  return {
    update: (done, total, label) => {
      if (!started) {
        bar.start(total, 0, { label });
        started = true;
      }
      const now = Date.now();
      // Redraw at most every 100 ms; the total may grow (a sweep learns its work as it goes).
      if (done >= total || now - last > 100) {
        bar.setTotal(total);
        bar.update(done, { label });
        last = now;
      }
    },
    stop: () => {
      if (started) bar.stop();
    },
  };
}
