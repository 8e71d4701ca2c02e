/** The structured sweep definition (experiments/sweep/define.ts): the library's errors name its fields. */
import { describe, expect, it } from 'vitest';
import { UserError } from '../../config/errors.js';
import { specFromArgs } from '../../cli/sweep/args.js';
import { defineSweep } from '../../experiments/sweep/define.js';
import { expandPoints } from '../../experiments/sweep/points.js';

describe('defineSweep', () => {
  it('gives the points of the equivalent command line', () => {
    const lib = defineSweep({
      presets: ['R2', 'B2+paper'],
      axes: { 'hardware.sram.capacity': { from: '32 KiB', to: '256 KiB', times: 2 }, 'hardware.sram.banks': [4, 8] },
      set: { 'training.trainSamples': 2000 },
      scheduleOnly: true,
    });
    const cli = specFromArgs({
      presets: 'R2,B2+paper',
      sram: '32KiB..256KiB:x2',
      vary: 'hardware.sram.banks=4,8',
      set: 'training.trainSamples=2000',
      scheduleOnly: true,
    });
    expect(expandPoints(lib).map((p) => p.id)).toEqual(expandPoints(cli).map((p) => p.id));
    expect(lib.axes).toEqual(cli.axes);
    expect(lib.command).toBe(
      "rbnn-sim sweep --presets R2,B2+paper --sram '32 KiB,64 KiB,128 KiB,256 KiB' --vary hardware.sram.banks=4,8 " +
        '--schedule-only --set training.trainSamples=2000',
    );
    expect(
      defineSweep({ axes: { 'hardware.clock': { from: '50 MHz', to: '200 MHz', steps: 3, scale: 'linear' } } }).axes[0]!
        .values,
    ).toEqual(['50 MHz', '125 MHz', '200 MHz']);
  });

  it('storage mode takes families as objects over the defaults', () => {
    const s = defineSweep({
      mode: 'storage',
      rbnn: { hidden: [20], bits: [8] },
      conventional: null,
      budgets: ['64 KiB'],
      scheduleOnly: true,
    });
    expect(s.rbnn).toEqual({ hidden: [20], bits: [8], iterations: 'auto', epochs: 5 });
    expect(s.budgets).toEqual([64 * 8192]);
    expect(expandPoints(s).map((p) => p.workload)).toEqual(['rbnn h0=20 n=8 k=4']);
  });

  it('names the definition field in one line; the CLI names its flag', () => {
    const bad: Array<[() => unknown, RegExp, RegExp]> = [
      [() => defineSweep({ sample: -1 }), /^sample: expected a whole number >= 0/, /^--sample: /],
      [
        () => defineSweep({ axes: { 'hardware.sram.capacity': '64' } }),
        /in axes\.hardware\.sram\.capacity/,
        /in --sram/,
      ],
      [
        () => defineSweep({ axes: { 'hardware.sram.bankz': [2] } }),
        /^axes\.hardware\.sram\.bankz: unknown configuration path/,
        /^--vary hardware\.sram\.bankz: unknown/,
      ],
      [
        () => defineSweep({ mode: 'storage', rbnn: { hidden: [0] } }),
        /^rbnn\.hidden: expected a list of whole numbers from 1/,
        /^--rbnn hidden: /,
      ],
      [() => defineSweep({ rbnn: { hidden: [50] } }), /^rbnn needs mode storage$/, /^--rbnn needs --mode storage$/],
      [
        () => defineSweep({ mode: 'storage', budgets: ['1 KiB'] }),
        /^mode storage: no candidate network fits 1 KiB$/,
        /^--mode storage: no candidate/,
      ],
    ];
    const cli = [
      () => specFromArgs({ sample: -1 }),
      () => specFromArgs({ sram: '64' }),
      () => specFromArgs({ vary: 'hardware.sram.bankz=2' }),
      () => specFromArgs({ mode: 'storage', rbnn: 'hidden=0' }),
      () => specFromArgs({ rbnn: 'hidden=50' }),
      () => specFromArgs({ mode: 'storage', budgets: '1KiB' }),
    ];
    bad.forEach(([fn, lib, flag], i) => {
      expect(fn).toThrow(UserError);
      expect(fn).toThrow(lib);
      expect(cli[i]!).toThrow(flag);
    });
  });
});
