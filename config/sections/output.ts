import { bool, str } from '../fields.js';

/** Where and how results are written. */
export const outputSection = {
  dir: str(null, 'folder for report files (null: no files)'),
  json: bool(false, 'print JSON instead of tables'),
  progress: bool(true, 'progress bar on a TTY (never when output is not a terminal)'),
} as const;
