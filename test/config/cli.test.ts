import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import YAML from 'yaml';
import { runCli } from '../run-cli.js';
import { defaultConfig, resolveConfig } from '../../config/load.js';

const run = runCli;

afterEach(() => {
  process.exitCode = undefined;
});

describe('rbnn-sim config', () => {
  it('prints the resolved configuration as YAML with units', async () => {
    const { code, out } = await run(
      'config',
      '--set',
      'hardware.sram.capacity=96 KiB',
      '--epochs',
      '3',
      '--seed',
      '7',
      '-q',
    );
    expect(code).toBe(0);
    const printed = YAML.parse(out);
    expect(printed.hardware.sram.capacity).toBe('96 KiB');
    expect(printed.training.epochs).toBe(3);
    expect(printed.training.seed).toBe(7);
    expect(printed.output.progress).toBe(false);
  });

  it('prints JSON with unit strings, or canonical numbers with --canonical', async () => {
    const json = await run('config', '--json', '--set', 'model.hidden=[200]', '--set', 'model.bits=12');
    expect(json.code).toBe(0);
    const cfg = JSON.parse(json.out);
    expect(cfg.hardware.clock).toBe('100 MHz');
    expect(cfg.model.hidden).toEqual([200]);
    expect(cfg.model.bits).toBe(12);
    const canonical = await run('config', '--json', '--canonical');
    // output.json and output.dir are settings of one invocation, never saved (issue 17).
    expect(JSON.parse(canonical.out)).toEqual({
      ...defaultConfig(),
      output: { progress: defaultConfig().output.progress },
    });
  });

  it('reads --config and --out', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rbnn-cli-'));
    try {
      const file = join(dir, 'c.yaml');
      writeFileSync(file, 'training:\n  epochs: 5\n');
      const { out } = await run('config', '--config', file, '--out', dir, '--json');
      expect(JSON.parse(out).training.epochs).toBe(5);
      // --out is not saved in the configuration; config -o DIR writes DIR/config.json.
      expect(JSON.parse(out).output.dir).toBeUndefined();
      expect(JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'))).toEqual(JSON.parse(out));
      expect(resolveConfig({ file }).training.epochs).toBe(5);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('lists every key with --describe', async () => {
    const { code, out } = await run('config', '--describe');
    expect(code).toBe(0);
    expect(out).toMatch(/^key +accepts +default +meaning\n/);
    expect(out).toMatch(/\nhardware\.sram\.capacity +size > 0 B +\d+ KiB +on-chip SRAM capacity/);
    expect(out).toMatch(/\nmodel\.schedule +rbnn \| conventional +"rbnn" +/);
  });

  it('exits with 2 and one line naming the field on bad input', async () => {
    const cases: Array<[string[], string]> = [
      [
        ['--set', 'hardware.sram.capacity=64 KJ'],
        'rbnn-sim: hardware.sram.capacity: expected a size with a unit such as "64 KiB", got "64 KJ" (Undefined ' +
          'symbol KJ) (in --set)\n',
      ],
      [
        ['--set', 'hardware.sram.bankz=2'],
        'rbnn-sim: unknown key hardware.sram.bankz (did you mean banks?) (in --set)\n',
      ],
      [['--config', 'nope.yaml'], 'rbnn-sim: config file not found: nope.yaml\n'],
      [['--epochs', '0'], 'rbnn-sim: training.epochs: expected an integer >= 1, got 0\n'],
      [['--seed', 'abc'], 'rbnn-sim: training.seed: expected an integer >= 0, got NaN\n'],
    ];
    for (const [args, message] of cases) {
      const { code, out, err } = await run('config', ...args);
      expect(code, args.join(' ')).toBe(2);
      expect(out).toBe('');
      expect(err).toBe(message);
    }
  });
});
