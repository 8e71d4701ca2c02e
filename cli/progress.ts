/**
 * A progress bar on standard error when it is a terminal (and output.progress is on); nothing
 * otherwise, so pipes and CI logs stay clean.
 */
import cliProgress from 'cli-progress';
import type { ProgressFn } from '../model/results.js';

export interface Progress {
  update: ProgressFn;
  stop(): void;
}

export function progressBar(enabled: boolean, title: string): Progress {
  if (!enabled || !process.stderr.isTTY) return { update: () => {}, stop: () => {} };
  const bar = new cliProgress.SingleBar({
    stream: process.stderr,
    format: `${title} [{bar}] {percentage}% | {value}/{total} batches | eta {eta_formatted} | {label}`,
    hideCursor: true,
    clearOnComplete: true,
    etaBuffer: 200,
  }, cliProgress.Presets.shades_classic);
  let started = false;
  let last = 0;
  return {
    update: (done, total, label) => {
      if (!started) { bar.start(total, 0, { label }); started = true; }
      const now = Date.now();
      if (done === total || now - last > 100) { bar.update(done, { label }); last = now; }
    },
    stop: () => { if (started) bar.stop(); },
  };
}
