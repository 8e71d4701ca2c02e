/** splitForWindow: compressed batches the window selects reach the simulator one by one, and nothing else changes. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CostedOp, Op } from '../../model/ops.js';
import { OpRecorder } from '../../model/ops.js';
import { enumerateSchedule } from '../../trainer/schedule.js';
import { splitForWindow } from '../../traces/split.js';
import { parseWindow } from '../../traces/window.js';
import { smallConfig } from './helpers.js';

const isCosted = (o: Op): o is CostedOp =>
  o.kind !== 'run-begin' && o.kind !== 'iteration-begin' && o.kind !== 'iteration-end';

/** Each op of repeat r as r ops of repeat 1 (batches batch..batch+r-1), as comparable strings. */
function expand(ops: Op[]): string[] {
  const out: string[] = [];
  for (const o of ops) {
    if (!isCosted(o)) {
      out.push(JSON.stringify(o));
      continue;
    }
    for (let i = 0; i < o.repeat; i++)
      out.push(JSON.stringify({ ...o, where: { ...o.where, batch: o.where.batch + i }, repeat: 1 }));
  }
  return out.sort();
}

const cfg = smallConfig((c) => {
  c.training.trainSamples = 95;
  c.training.validationSamples = 40;
});
const compressed = new OpRecorder();
enumerateSchedule(cfg, compressed, { compress: true });

const spec = fc
  .record({
    iterations: fc.constantFrom('all', '1', '2-', '1,3'),
    epochs: fc.constantFrom('all', '1', '2', '3'),
    batches: fc.constantFrom('all', '0', '1-2', '3,5-6', '8-', '9', '0,4,8'),
    phases: fc.constantFrom('all', 'forward', 'load,update', 'evaluate'),
  })
  .map((r) =>
    Object.entries(r)
      .map(([k, v]) => `${k}=${v}`)
      .join(';'),
  );

describe('splitForWindow', () => {
  it('preserves the stream (as batches) and gives every op in the window repeat = 1 (property)', () => {
    fc.assert(
      fc.property(spec, (s) => {
        const w = parseWindow(s);
        const out = new OpRecorder();
        const split = splitForWindow(w, out);
        for (const o of compressed.ops) split.op(o);
        split.flush();
        expect(expand(out.ops)).toEqual(expand(compressed.ops));
        for (const o of out.ops) if (isCosted(o) && w.op(o)) expect(o.repeat).toBe(1);
      }),
      { numRuns: 60 },
    );
  });

  it("re-emits a selected group batch by batch, each batch's ops in their original order", () => {
    const w = parseWindow('iterations=1;epochs=1;batches=2,4');
    const out = new OpRecorder();
    const split = splitForWindow(w, out);
    for (const o of compressed.ops) split.op(o);
    const seq = out.ops
      .filter(isCosted)
      .filter((o) => o.where.iteration === 1 && o.where.epoch === 1 && opPurpose(o) === 'train')
      .map((o) => `${o.kind}@${o.where.batch}x${o.repeat}`);
    const groupKinds = compressed.ops
      .filter(isCosted)
      .filter((o) => o.where.iteration === 1 && o.where.epoch === 1 && o.where.batch === 0 && opPurpose(o) === 'train')
      .map((o) => o.kind);
    // 95 samples: 9 full batches (one group, repeat 9) then the last batch of 5 (batch 9)
    const expected = [
      [0, 2],
      [2, 1],
      [3, 1],
      [4, 1],
      [5, 4],
    ].flatMap(([b, r]) => groupKinds.map((k) => `${k}@${b}x${r}`));
    expect(seq.slice(0, expected.length)).toEqual(expected);
    expect(seq.slice(expected.length).every((x) => x.endsWith('@9x1'))).toBe(true);
  });

  it('passes a stream without repeats through unchanged', () => {
    const plain = new OpRecorder();
    enumerateSchedule(cfg, plain, { compress: false });
    const out = new OpRecorder();
    const split = splitForWindow(parseWindow('all'), out);
    for (const o of plain.ops) split.op(o);
    expect(out.ops).toEqual(plain.ops);
    expect(out.ops.every((o, i) => o === plain.ops[i])).toBe(true);
  });
});

function opPurpose(o: CostedOp): string {
  return o.kind === 'load' ? o.purpose : o.phase === 'evaluate' ? 'eval' : 'train';
}

describe('the filter without splitForWindow', () => {
  it(
    'refuses a compressed op the window selects only part of (the simulator would trace all its ' + 'batches)',
    async () => {
      const { openTrace } = await import('../../traces/session.js');
      const { tempDir } = await import('./helpers.js');
      const path = await import('node:path');
      const t = openTrace(
        { format: 'csv', file: path.join(tempDir(), 'x.csv'), window: 'batches=1' },
        { clockRatio: 1, burstBits: 512 },
      );
      const op = compressed.ops.find((o): o is CostedOp => isCosted(o) && o.repeat > 2)!;
      expect(() => t.filter(op)).toThrow(/trace\.observe/);
      expect(t.filter({ ...op, repeat: 1, where: { ...op.where, batch: 1 } })).toBe(true);
      t.abort();
      const all = openTrace(
        { format: 'csv', file: path.join(tempDir(), 'y.csv'), window: 'all' },
        { clockRatio: 1, burstBits: 512 },
      );
      expect(all.filter(op)).toBe(true);
      all.abort();
    },
  );
});
