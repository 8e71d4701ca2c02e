/** Parsing sweep axes, shards and specs from the command line. */
import { describe, expect, it } from 'vitest';
import { parseAxis } from '../../experiments/sweep/axes.js';
import { specFromArgs } from '../../cli/sweep/args.js';
import { parseShard } from '../../experiments/slurm/shard-env.js';
import { parseVary } from '../../experiments/sweep/text.js';
import { evenly, expandPoints, pointConfig, shardPoints } from '../../experiments/sweep/points.js';
import { UserError } from '../../config/errors.js';

const geo = { scale: 'geometric' as const };

describe('sweep axes', () => {
  it('reads lists with units, ranges with steps, factors and increments', () => {
    expect(parseAxis('hardware.sram.capacity', '64KiB, 128 KiB,1MiB', '--sram', geo).values).toEqual([
      '64 KiB',
      '128 KiB',
      '1 MiB',
    ]);
    expect(parseAxis('hardware.sram.capacity', '32KiB..1MiB:x2', '--sram', geo).values).toEqual([
      '32 KiB',
      '64 KiB',
      '128 KiB',
      '256 KiB',
      '512 KiB',
      '1 MiB',
    ]);
    expect(parseAxis('hardware.sram.capacity', '32KiB..2MiB', '--sram', { ...geo, steps: 13 }).values).toEqual([
      '32 KiB',
      '45 KiB',
      '64 KiB',
      '91 KiB',
      '128 KiB',
      '181 KiB',
      '256 KiB',
      '362 KiB',
      '512 KiB',
      '724 KiB',
      '1 MiB',
      '1448 KiB',
      '2 MiB',
    ]);
    expect(parseAxis('hardware.sram.capacity', '64KiB..256KiB:+64KiB', '--sram', geo).values).toEqual([
      '64 KiB',
      '128 KiB',
      '192 KiB',
      '256 KiB',
    ]);
    expect(parseAxis('hardware.sram.capacity', '100KiB..200KiB:3', '--sram', { scale: 'linear' }).values).toEqual([
      '100 KiB',
      '150 KiB',
      '200 KiB',
    ]);
    expect(parseVary('hardware.sram.banks=4,8,16', geo)).toEqual({ path: 'hardware.sram.banks', values: [4, 8, 16] });
    expect(parseVary('hardware.sram.banks=2..32:x2', geo).values).toEqual([2, 4, 8, 16, 32]);
    expect(parseVary('hardware.policy.frozen=recompute,cache', geo).values).toEqual(['recompute', 'cache']);
    expect(parseVary('model.hidden=[100],[200]', geo).values).toEqual([[100], [200]]);
    expect(parseVary('hardware.clock=50MHz..200MHz:x2', geo).values).toEqual(['50 MHz', '100 MHz', '200 MHz']);
  });

  it('rejects what it cannot read, naming the flag', () => {
    const bad: Array<[() => unknown, RegExp]> = [
      [() => parseAxis('hardware.sram.capacity', '64', '--sram', geo), /a size with a unit.*in --sram/],
      [() => parseAxis('hardware.sram.capacity', '32KiB..1MiB', '--sram', geo), /needs a step/],
      [() => parseAxis('hardware.sram.capacity', '1MiB..32KiB:x2', '--sram', geo), /ends below its start/],
      [() => parseVary('hardware.sram.bank=4', geo), /unknown configuration path "hardware.sram.bank"/],
      [() => parseVary('hardware.policy.frozen=a..b', geo), /range needs a numeric field/],
      [() => parseVary('hardware.policy.frozen=sometimes', geo), /one of recompute, cache/],
      [() => parseVary('banks', geo), /expected path=values/],
      [() => parseShard('3/2'), /expected i\/N/],
      [() => specFromArgs({ presets: 'R9' }), /unknown preset "R9"/],
      [() => specFromArgs({ mode: 'storage', presets: 'R2,B1' }), /base of every candidate/],
      [() => specFromArgs({ rbnn: 'hidden=50' }), /--rbnn needs --mode storage/],
      [() => specFromArgs({ mode: 'storage', rbnn: 'width=50' }), /--rbnn: expected hidden=/],
      [() => specFromArgs({ set: 'model.bits=0' }), /model.bits/],
    ];
    for (const [fn, re] of bad) {
      expect(fn).toThrow(UserError);
      expect(fn).toThrow(re);
    }
  });

  it('expands workloads x axes, last axis fastest', () => {
    const s = specFromArgs({
      presets: 'R2,B2+paper',
      sram: '64KiB,128KiB',
      vary: 'hardware.sram.banks=4,8',
      scheduleOnly: true,
    });
    const ids = expandPoints(s).map((p) => p.id);
    expect(ids).toEqual([
      'R2 | hardware.sram.capacity=64 KiB; hardware.sram.banks=4',
      'R2 | hardware.sram.capacity=64 KiB; hardware.sram.banks=8',
      'R2 | hardware.sram.capacity=128 KiB; hardware.sram.banks=4',
      'R2 | hardware.sram.capacity=128 KiB; hardware.sram.banks=8',
      'B2+paper | hardware.sram.capacity=64 KiB; hardware.sram.banks=4',
      'B2+paper | hardware.sram.capacity=64 KiB; hardware.sram.banks=8',
      'B2+paper | hardware.sram.capacity=128 KiB; hardware.sram.banks=4',
      'B2+paper | hardware.sram.capacity=128 KiB; hardware.sram.banks=8',
    ]);
    expect(s.command).toBe(
      'rbnn-sim sweep --presets R2,B2+paper --sram 64KiB,128KiB --vary hardware.sram.banks=4,8 --schedule-only',
    );
  });

  it('resolves points whole when a swept value fixes a cross-field constraint', () => {
    const s = specFromArgs({ set: 'model.bits=4', vary: 'model.maxIterations=1,4', scheduleOnly: true });
    expect(expandPoints(s).map((p) => pointConfig(p).model)).toMatchObject([
      { bits: 4, maxIterations: 1 },
      { bits: 4, maxIterations: 4 },
    ]);
    expect(() => specFromArgs({ vary: 'model.bits=2,4', scheduleOnly: true })).toThrow(
      /point "default \| model.bits=2": model.maxIterations: expected at most model.bits/,
    );
  });

  it('storage mode: candidates that fit the largest budget, each with its smallest budget', () => {
    const s = specFromArgs({
      mode: 'storage',
      budgets: '64KiB..256KiB:x2',
      rbnn: 'hidden=50,100 bits=8,16',
      conventional: 'hidden=100,400 bits=6,12',
      scheduleOnly: true,
    });
    const pts = expandPoints(s);
    const KiB = 8192;
    expect(pts.map((p) => [p.workload, p.budgetBits! / KiB])).toEqual([
      ['rbnn h0=50 n=8 k=4', 64],
      ['rbnn h0=50 n=16 k=7', 128],
      ['rbnn h0=100 n=8 k=4', 128],
      ['rbnn h0=100 n=16 k=7', 256],
      ['conventional h=100 n=6', 64],
      ['conventional h=100 n=12', 128],
      ['conventional h=400 n=6', 256],
    ]);
  });

  it('shards: every point in exactly one shard, whole training runs together when there are enough', () => {
    const pts = Array.from({ length: 23 }, (_, i) => ({ index: i, run: `r${i % 5}` }));
    for (const count of [1, 2, 3, 5, 7, 30]) {
      const seen: number[] = [];
      for (let i = 1; i <= count; i++) {
        const mine = shardPoints(
          pts,
          (p) => p.run,
          (p) => Number(p.run.slice(1)),
          { index: i, count },
        );
        seen.push(...mine.map((p) => p.index));
        if (count <= 5) {
          for (const p of mine)
            expect(mine.filter((q) => q.run === p.run)).toHaveLength(pts.filter((q) => q.run === p.run).length);
        }
      }
      expect(seen.sort((a, b) => a - b)).toEqual(pts.map((p) => p.index));
    }
    expect(evenly([1, 2, 3, 4, 5, 6, 7], 3)).toEqual([1, 4, 7]);
  });
});
