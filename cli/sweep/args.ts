/**
 * From `rbnn-sim sweep` flags to a SweepSpec (experiments/sweep/text.ts reads the text, define.ts
 * checks it). The library names its fields; `flagOf` makes those names the flags the user typed,
 * so a mistake is one line naming a flag, exit code 2, nothing written.
 */
import { flagsFor } from '../flag-errors.js';
import { SRAM_PATH } from '../../experiments/sweep/define.js';
import type { SweepSpec } from '../../experiments/sweep/spec.js';
import { sweepFromText, type SweepText } from '../../experiments/sweep/text.js';

export type SweepArgs = SweepText;

const FLAGS = flagsFor('mode presets steps scale budgets rbnn conventional sample config seed epochs vary');

export function specFromArgs(a: SweepArgs): SweepSpec {
  const flagOf = (field: string): string => {
    if (field.startsWith('axes.')) {
      const path = field.slice('axes.'.length);
      return path === SRAM_PATH && a.sram !== undefined ? '--sram' : `--vary ${path}`;
    }
    const [head, key] = field.split('.') as [string, string | undefined];
    return key === undefined ? (FLAGS[head] ?? head) : `${FLAGS[head] ?? head} ${key}`;
  };
  return sweepFromText(a, flagOf);
}
