/** `--mappings FILE`: every distinct matmul/gradient shape's chosen mapping, as Timeloop's map.txt does. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../run-cli.js';
import { makeTempDir } from '../temp-dir.js';
import { config, simulateSchedule } from './helpers.js';

const SMALL = {
  'model.inputs': 6,
  'model.hidden': [4],
  'model.outputs': 3,
  'model.bits': 4,
  'model.maxIterations': 3,
  'training.trainSamples': 35,
  'training.batch': 10,
  'training.validationSamples': 20,
  'training.testSamples': 20,
  'training.evalBatch': 10,
  'hardware.sram.capacity': '1 KiB',
  'hardware.buffer.capacity': '64 B',
};
const ARGS = Object.entries(SMALL).flatMap(([k, v]) => ['--set', `${k}=${JSON.stringify(v)}`]);

describe('--mappings FILE', () => {
  it('writes one loop nest per distinct shape with its counts per level, energy and cycles', async () => {
    const file = path.join(makeTempDir('rbnn-sim-map-'), 'map.txt');
    const r = await runCli('simulate', '--schedule-only', '--json', '--mappings', file, ...ARGS);
    expect(r.code).toBe(0);
    expect(r.err).toBe(`mappings: ${file}\n`);
    const text = fs.readFileSync(file, 'utf8');
    const blocks = text.trim().split('\n\n');
    for (const b of blocks) {
      expect(b).toMatch(/^# (matmul (forward|backward|evaluate)|gradient)/);
      for (const level of ['DRAM [', 'SRAM [', 'operand buffer [', 'lanes [', 'energy ']) expect(b).toContain(level);
    }
    for (const kind of ['matmul forward', 'matmul backward', 'gradient, layer 0', 'gradient, layer 1'])
      expect(text).toContain(`# ${kind}`);
    // The report on stdout is the one without --mappings.
    expect(JSON.parse(r.out)).toEqual(simulateSchedule(config(SMALL)));
    // Compulsory SRAM reads are written beside the reads, never above them.
    for (const m of text.matchAll(/reads ([\d,]+) \(compulsory ([\d,]+)\)/g)) {
      expect(Number(m[1]!.replace(/,/g, ''))).toBeGreaterThanOrEqual(Number(m[2]!.replace(/,/g, '')));
    }
  });

  it('an unwritable place is a one-line user error (exit 2) before anything runs', async () => {
    const dir = makeTempDir('rbnn-sim-map-');
    fs.writeFileSync(path.join(dir, 'afile'), '');
    const r = await runCli('simulate', '--schedule-only', '--mappings', path.join(dir, 'afile', 'map.txt'), ...ARGS);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toMatch(
      /^rbnn-sim: cannot write the mappings file .*afile\/map\.txt: a part of the path is a file, not a folder\n$/,
    );
  });
});
