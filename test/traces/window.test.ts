/** Window specs: parsing, errors naming the bad part, and the op/event filters. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../config/errors.js';
import type { CostedOp, Op } from '../../model/ops.js';
import { OpRecorder } from '../../model/ops.js';
import { enumerateSchedule } from '../../trainer/schedule.js';
import { DEFAULT_WINDOW, IntSet, opSet, parseWindow } from '../../traces/window.js';
import { ev, smallConfig } from './helpers.js';

const costed = (ops: Op[]): CostedOp[] =>
  ops.filter(
    (o): o is CostedOp => o.kind !== 'run-begin' && o.kind !== 'iteration-begin' && o.kind !== 'iteration-end',
  );

describe('parseWindow', () => {
  it('parses every key, aliases, ranges, open ranges and lists', () => {
    const w = parseWindow(
      'iterations=1,3-4; epoch=2- ;batches=0-2,7;phases=forward,update;sets=train;components=dram;banks=1',
    );
    expect(w.iterations.toString()).toBe('1,3-4');
    expect(w.epochs.toString()).toBe('2-');
    expect(w.batches.toString()).toBe('0-2,7');
    expect([...w.phases]).toEqual(['forward', 'update']);
    expect([...w.sets]).toEqual(['train']);
    expect([...w.components]).toEqual(['dram']);
    expect(w.toString()).toBe(
      'iterations=1,3-4;epochs=2-;batches=0-2,7;phases=forward,update;sets=train;components=dram;banks=1',
    );
  });

  it('default window: epochs=1;batches=0 (null, empty, "default"); "all" selects everything', () => {
    for (const s of [null, undefined, '', ' default ']) expect(parseWindow(s).toString()).toBe(DEFAULT_WINDOW);
    expect(parseWindow('all').toString()).toBe('all');
    expect(parseWindow('iterations=all;batches=*').toString()).toBe('all');
  });

  it('merges overlapping and adjacent ranges', () => {
    expect(parseWindow('batches=5,0-2,3,9-,12').batches.toString()).toBe('0-3,5,9-');
  });

  const badSpecs: Array<[string, RegExp]> = [
    ['iterations=x', /"iterations=x".*"x" is not a number or range/],
    ['iterations=0', /"iterations=0".*numbering starts at 1/],
    ['epochs=0-3', /"epochs=0-3".*starts at 1/],
    ['batches=4-2', /"batches=4-2".*empty range/],
    ['batches=-1', /"batches=-1"/],
    ['batches=1;colour=red', /"colour=red".*unknown key "colour"/],
    ['phases=forward,sideways', /"phases=forward,sideways".*"sideways" is not one of load, forward/],
    ['components=sram,hbm', /"components=sram,hbm".*"hbm"/],
    ['sets=training', /"sets=training".*"training" is not one of train, validation, test/],
    ['iterations', /"iterations".*expected key=value/],
    ['epochs=1;epoch=2', /"epoch=2".*given twice/],
    ['batches=', /"batches=".*empty value/],
    ['banks=8', /"banks=8".*8 SRAM banks/],
  ];
  it.each(badSpecs)('rejects %s with a UserError naming the bad part', (spec, re) => {
    let err: unknown;
    try {
      parseWindow(spec, { banks: 8 });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toMatch(re);
    expect((err as Error).message).not.toContain('\n');
  });

  it('IntSet.has / intersects / clip agree with a brute-force set (property)', () => {
    const range = fc
      .tuple(fc.nat(30), fc.nat(8), fc.boolean())
      .map(([lo, len, open]) => [lo, open ? Infinity : lo + len] as [number, number]);
    fc.assert(
      fc.property(fc.array(range, { minLength: 1, maxLength: 5 }), fc.nat(40), fc.nat(10), (ranges, lo, len) => {
        const s = new IntSet(ranges);
        const inSet = (n: number) => ranges.some(([a, b]) => n >= a && n <= b);
        for (let n = 0; n < 50; n++) if (s.has(n) !== inSet(n)) return false;
        const hi = lo + len;
        let any = false;
        const members: number[] = [];
        for (let n = lo; n <= hi; n++)
          if (inSet(n)) {
            any = true;
            members.push(n);
          }
        if (s.intersects(lo, hi) !== any) return false;
        const clipped = s.clip(lo, hi).flatMap(([a, b]) => Array.from({ length: b - a + 1 }, (_, i) => a + i));
        return JSON.stringify(clipped) === JSON.stringify(members);
      }),
    );
  });
});

describe('window filters', () => {
  it(
    'default window = per iteration, the first training batch of epoch 1 and the first batch of its validation ' +
      'pass',
    () => {
      const cfg = smallConfig();
      const rec = new OpRecorder();
      enumerateSchedule(cfg, rec, { compress: false });
      const w = parseWindow(null);
      const picked = costed(rec.ops).filter((o) => w.op(o));
      const groups = new Set(picked.map((o) => `${o.where.iteration}/${o.where.epoch}/${o.where.batch}/${opSet(o)}`));
      expect([...groups].sort()).toEqual([
        '1/1/0/train',
        '1/1/0/validation',
        '2/1/0/train',
        '2/1/0/validation',
        '3/1/0/train',
        '3/1/0/validation',
      ]);
      // every phase of the iteration is present
      for (let k = 1; k <= 3; k++) {
        expect(new Set(picked.filter((o) => o.where.iteration === k).map((o) => o.phase))).toEqual(
          new Set(['load', 'forward', 'backward', 'gradient', 'update', 'evaluate']),
        );
      }
    },
  );

  it('an op with repeat is in the window when any of its batches is', () => {
    const w = parseWindow('batches=3');
    const load = {
      kind: 'load',
      phase: 'load',
      where: { iteration: 1, epoch: 1, batch: 0 },
      purpose: 'train',
      samples: 10,
      features: 6,
      bitsPerFeature: 8,
      labelBits: 8,
      repeat: 3,
    } as const;
    expect(w.op(load)).toBe(false);
    expect(w.op({ ...load, repeat: 4 })).toBe(true);
    expect(parseWindow('sets=test').op({ ...load, purpose: 'test' })).toBe(true);
    expect(parseWindow('sets=validation,test').op(load)).toBe(false);
  });

  it('events: components and banks', () => {
    const w = parseWindow('components=sram;banks=1-2');
    expect(w.event(ev({ component: 'dram' }))).toBe(false);
    expect(w.event(ev({ component: 'sram', bank: 0 }))).toBe(false);
    expect(w.event(ev({ component: 'sram', bank: 2 }))).toBe(true);
    expect(parseWindow('banks=0').event(ev({ component: 'dram', bank: -1 }))).toBe(true);
  });
});

describe('IntSet.covers', () => {
  it('is true when one range holds lo..hi', () => {
    const s = parseWindow('batches=0-4,6-').batches;
    expect(s.covers(0, 4)).toBe(true);
    expect(s.covers(3, 5)).toBe(false);
    expect(s.covers(6, 1000)).toBe(true);
  });
});
