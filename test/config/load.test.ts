import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  configToJson,
  configToYaml,
  defaultConfig,
  describeFields,
  listPresets,
  parseSet,
  resolveConfig,
} from '../../config/load.js';
import { fieldsOf } from '../../config/validate.js';
import { parseQuantity } from '../../config/units.js';
import { UserError } from '../../config/errors.js';

let dir: string;
let presets: string;
const file = (name: string, text: string): string => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
/** The one-line message of the UserError thrown by `fn`. */
const errorOf = (fn: () => unknown): string => {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(UserError);
    const message = (e as Error).message;
    expect(message).not.toContain('\n');
    return message;
  }
  throw new Error('expected a UserError');
};

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'rbnn-config-'));
  presets = join(dir, 'presets');
  mkdirSync(presets);
  writeFileSync(join(presets, 'small.yaml'), 'model:\n  hidden: [50]\n  bits: 12\ntraining:\n  epochs: 2\n');
  writeFileSync(join(presets, 'fast.json'), JSON.stringify({ training: { epochs: 3, batch: 10 } }));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('defaults', () => {
  it('resolves the embedded defaults to canonical units', () => {
    const cfg = resolveConfig();
    expect(cfg).toEqual(defaultConfig());
    for (const [path, field] of fieldsOf()) {
      const value = path.split('.').reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], cfg);
      expect(value, path).toEqual(
        field.kind === 'quantity' ? parseQuantity(field.default, field.dimension) : field.default,
      );
    }
    expect(cfg.hardware.sram.wordWidth).toBe(64); // "64 b"
    expect(cfg.hardware.dram.burst).toBe(512); // "64 B"
    expect(cfg.hardware.dram.readEnergyPerBit).toBe(8e-12); // "8 pJ"
    expect(cfg.hardware.clock).toBe(1e8); // "100 MHz"
  });

  it('returns a fresh copy each time', () => {
    const a = resolveConfig();
    a.model.hidden.push(5);
    a.hardware.sram.banks = 99;
    expect(resolveConfig().model.hidden).toEqual([100]);
    expect(defaultConfig().hardware.sram.banks).not.toBe(99);
  });
});

describe('config files', () => {
  it('reads YAML and JSON files with units', () => {
    const yaml = file(
      'a.yaml',
      'hardware:\n  sram:\n    capacity: 128 KiB   # comment\n    banks: 4\nmodel:\n  hidden: [200, 100]\n',
    );
    const json = file(
      'a.json',
      JSON.stringify({ hardware: { sram: { capacity: '128 KiB', banks: 4 } }, model: { hidden: [200, 100] } }),
    );
    const a = resolveConfig({ file: yaml });
    expect(a.hardware.sram.capacity).toBe(128 * 1024 * 8);
    expect(a.hardware.sram.banks).toBe(4);
    expect(a.model.hidden).toEqual([200, 100]);
    expect(resolveConfig({ file: json })).toEqual(a);
    expect(
      resolveConfig({
        file: file('a.yml', 'hardware: {sram: {capacity: 128 KiB, banks: 4}}\nmodel: {hidden: [200, 100]}'),
      }),
    ).toEqual(a);
  });

  it('treats an empty file as no change', () => {
    expect(resolveConfig({ file: file('empty.yaml', '# nothing\n') })).toEqual(defaultConfig());
  });

  it('rejects a missing file, a folder and an unknown extension', () => {
    expect(errorOf(() => resolveConfig({ file: 'foo.yaml' }))).toBe('config file not found: foo.yaml');
    expect(errorOf(() => resolveConfig({ file: dir }))).toBe(`config file ${dir} is a directory`);
    const txt = file('a.txt', 'model: {}');
    expect(errorOf(() => resolveConfig({ file: txt }))).toBe(
      `config file ${txt}: unknown format ".txt" (use .json, .yaml or .yml)`,
    );
  });

  it('names the file and line of a parse error', () => {
    const y = file('bad.yaml', 'model:\n  bits: 12\n  hidden: [1, 2\ntraining: {}\n');
    expect(errorOf(() => resolveConfig({ file: y }))).toMatch(new RegExp(`^${y}:4: invalid YAML: `));
    const dup = file('dup.yaml', 'model:\n  bits: 12\n  bits: 13\n');
    expect(errorOf(() => resolveConfig({ file: dup }))).toBe(`${dup}:3: invalid YAML: Map keys must be unique`);
    const j = file('bad.json', '{\n  "model": {\n    "bits": 12,\n  }\n}');
    expect(errorOf(() => resolveConfig({ file: j }))).toMatch(new RegExp(`^${j}:4: invalid JSON: `));
  });

  it('rejects a top level that is not a mapping', () => {
    const f = file('list.yaml', '- 1\n- 2\n');
    expect(errorOf(() => resolveConfig({ file: f }))).toBe(
      `${f}: expected a mapping of configuration keys at the top level`,
    );
  });

  it('rejects unknown keys, suggesting the closest one', () => {
    const f = file('typo.yaml', 'hardware:\n  sram:\n    bankz: 4\n');
    expect(errorOf(() => resolveConfig({ file: f }))).toBe(
      `unknown key hardware.sram.bankz (did you mean banks?) (in ${f})`,
    );
    const g = file('typo2.json', '{"modle": {}}');
    expect(errorOf(() => resolveConfig({ file: g }))).toBe(`unknown key modle (did you mean model?) (in ${g})`);
    const h = file('typo3.json', '{"training": {"xyzzy": 1}}');
    expect(errorOf(() => resolveConfig({ file: h }))).toBe(`unknown key training.xyzzy (in ${h})`);
  });

  it('rejects wrong types naming the field and what was expected', () => {
    const cases: Array<[string, unknown, string]> = [
      ['model.bits', -3, 'model.bits: expected an integer from 1 to 32, got -3'],
      ['model.bits', 2.5, 'model.bits: expected an integer from 1 to 32, got 2.5'],
      ['model.bits', '12', 'model.bits: expected an integer from 1 to 32, got "12"'],
      ['training.seed', -1, 'training.seed: expected an integer >= 0, got -1'],
      ['training.lrDecay', 0, 'training.lrDecay: expected a number > 0 and <= 1, got 0'],
      ['training.learningRate', 'fast', 'training.learningRate: expected a number > 0, got "fast"'],
      ['model.schedule', 'rbn', 'model.schedule: expected one of rbnn, conventional, got "rbn" (did you mean rbnn?)'],
      ['hardware.policy.overlap', 'yes', 'hardware.policy.overlap: expected true or false, got "yes"'],
      ['output.dir', 5, 'output.dir: expected a string or null, got 5'],
      ['data.trainImages', null, 'data.trainImages: expected a string, got null'],
      ['model.hidden', 200, 'model.hidden: expected a non-empty list of integers >= 1 such as [100], got 200'],
      ['model.hidden', [], 'model.hidden: expected a non-empty list of integers >= 1 such as [100], got []'],
      ['model.hidden', [200, 0], 'model.hidden[1]: expected an integer >= 1, got 0'],
      [
        'hardware.sram.capacity',
        '64 KJ',
        'hardware.sram.capacity: expected a size with a unit such as "64 KiB", got "64 KJ" (Undefined symbol KJ)',
      ],
      [
        'hardware.sram.capacity',
        '8 pJ',
        'hardware.sram.capacity: expected a size with a unit such as "64 KiB", got "8 pJ" (an energy)',
      ],
      [
        'hardware.sram.capacity',
        65536,
        'hardware.sram.capacity: expected a size with a unit such as "64 KiB", got 65536 (a number without a unit)',
      ],
      ['hardware.sram.capacity', '0 KiB', 'hardware.sram.capacity: expected a size > 0 B, got "0 KiB"'],
      ['hardware.dram.latency', '-5 ns', 'hardware.dram.latency: expected a time >= 0 s, got "-5 ns"'],
      [
        'hardware.clock',
        '100 MB',
        'hardware.clock: expected a frequency with a unit such as "100 MHz", got "100 MB" (a size)',
      ],
      ['model', 5, 'model: expected a section with keys such as schedule, inputs, outputs, got 5'],
      [
        'hardware.sram',
        '64 KiB',
        'hardware.sram: expected a section with keys such as capacity, banks, wordWidth, got "64 KiB"',
      ],
    ];
    for (const [path, value, message] of cases) {
      expect(errorOf(() => resolveConfig({ overrides: { [path]: value } }))).toBe(message);
      const f = file('case.json', JSON.stringify(nest(path, value)));
      expect(errorOf(() => resolveConfig({ file: f }))).toBe(`${message} (in ${f})`);
    }
  });

  it('checks constraints between fields', () => {
    expect(errorOf(() => resolveConfig({ overrides: { 'model.bits': 6 } }))).toBe(
      'model.maxIterations: expected at most model.bits (6) with the rbnn schedule, got 7',
    );
    expect(
      errorOf(() =>
        resolveConfig({ overrides: { 'model.bits': 6, 'model.maxIterations': 6, 'model.minTrainableBits': 7 } }),
      ),
    ).toBe('model.minTrainableBits: expected at most model.bits (6), got 7');
    // The conventional schedule has one iteration: the iteration limits do not apply.
    expect(resolveConfig({ overrides: { 'model.bits': 6, 'model.schedule': 'conventional' } }).model.bits).toBe(6);
  });

  it('never lets a key reach an object prototype', () => {
    const f = file('proto.json', '{"__proto__": {"polluted": 1}}');
    expect(errorOf(() => resolveConfig({ file: f }))).toBe(`unknown key __proto__ (in ${f})`);
    expect(errorOf(() => resolveConfig({ sets: ['__proto__.polluted=1'] }))).toBe('unknown key __proto__ (in --set)');
    expect(errorOf(() => resolveConfig({ sets: ['model.constructor=1'] }))).toBe(
      'unknown key model.constructor (in --set)',
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('--set and overrides', () => {
  it('reads values as YAML', () => {
    expect(parseSet('hardware.sram.capacity=128 KiB')).toEqual({ hardware: { sram: { capacity: '128 KiB' } } });
    expect(parseSet('model.hidden=[200, 100]')).toEqual({ model: { hidden: [200, 100] } });
    expect(parseSet('output.dir=null')).toEqual({ output: { dir: null } });
    expect(parseSet('traces.window=iterations=1,2;epochs=1')).toEqual({
      traces: { window: 'iterations=1,2;epochs=1' },
    });
    expect(parseSet('model.bits=12')).toEqual({ model: { bits: 12 } });
    const cfg = resolveConfig({
      sets: ['hardware.sram.capacity="128 KiB"', 'model.hidden=[200]', 'hardware.policy.overlap=false'],
    });
    expect(cfg.hardware.sram.capacity).toBe(128 * 8192);
    expect(cfg.model.hidden).toEqual([200]);
    expect(cfg.hardware.policy.overlap).toBe(false);
  });

  it('rejects malformed --set strings', () => {
    expect(errorOf(() => resolveConfig({ sets: ['model.bits'] }))).toBe(
      '--set "model.bits": expected path=value, e.g. --set model.bits=12',
    );
    expect(errorOf(() => resolveConfig({ sets: ['model..bits=3'] }))).toBe(
      '--set "model..bits=3": expected path=value, e.g. --set model.bits=12',
    );
    expect(errorOf(() => resolveConfig({ sets: ['model.hidden=[1, 2'] }))).toMatch(
      /^--set model\.hidden=\[1, 2: cannot read the value as YAML/,
    );
    expect(errorOf(() => resolveConfig({ sets: ['model.bitz=3'] }))).toBe(
      'unknown key model.bitz (did you mean bits?) (in --set)',
    );
  });

  it('applies layers in order: preset < file < --set < overrides', () => {
    const f = file('layers.yaml', 'training:\n  epochs: 4\n  batch: 20\n  seed: 9\n');
    const cfg = resolveConfig({
      presetDir: presets,
      preset: 'fast',
      file: f,
      sets: ['training.batch=30', 'training.seed=10', 'training.seed=11'],
      overrides: { 'training.seed': 12, 'training.rounding': undefined },
    });
    expect(cfg.training.epochs).toBe(4); // file over preset (3)
    expect(cfg.training.batch).toBe(30); // --set over file
    expect(cfg.training.seed).toBe(12); // overrides over the --set (last --set wins among them)
    expect(cfg.training.rounding).toBe('nearest'); // undefined override: untouched
    expect(resolveConfig({ presetDir: presets, preset: 'fast', sets: ['training.seed=11'] }).training.seed).toBe(11);
  });
});

describe('presets', () => {
  it('finds YAML and JSON presets by name', () => {
    expect(listPresets(presets)).toEqual(['fast', 'small']);
    const small = resolveConfig({ presetDir: presets, preset: 'small' });
    expect(small.model.hidden).toEqual([50]);
    expect(small.model.bits).toBe(12);
    expect(resolveConfig({ presetDir: presets, preset: 'fast' }).training.batch).toBe(10);
    const both = resolveConfig({ presetDir: presets, preset: 'small,fast' }); // later presets override earlier ones
    expect([both.model.bits, both.training.epochs, both.training.batch]).toEqual([12, 3, 10]);
  });

  it('lists the available presets when the name is unknown', () => {
    expect(errorOf(() => resolveConfig({ presetDir: presets, preset: 'slow' }))).toBe(
      'unknown preset "slow" (available: fast, small)',
    );
    expect(errorOf(() => resolveConfig({ presetDir: presets, preset: '../presets/fast' }))).toBe(
      'unknown preset "../presets/fast" (available: fast, small)',
    );
    const none = join(dir, 'none');
    expect(errorOf(() => resolveConfig({ presetDir: none, preset: 'x' }))).toBe(
      `unknown preset "x" (no presets in ${none})`,
    );
  });

  it('names the preset in validation errors', () => {
    writeFileSync(join(presets, 'broken.yaml'), 'model:\n  bits: 0\n');
    try {
      expect(errorOf(() => resolveConfig({ presetDir: presets, preset: 'broken' }))).toBe(
        'model.bits: expected an integer from 1 to 32, got 0 (in preset broken)',
      );
    } finally {
      rmSync(join(presets, 'broken.yaml'));
    }
  });

  it('loads every preset shipped in configs/presets', () => {
    for (const name of listPresets()) expect(() => resolveConfig({ preset: name }), name).not.toThrow();
  });
});

describe('printing', () => {
  const custom = () =>
    resolveConfig({
      sets: [
        'hardware.sram.capacity=96 KiB',
        'hardware.dram.latency=1.5 ns',
        'model.hidden=[300, 20]',
        'hardware.dram.readEnergyPerBit=1.3 nJ',
        'output.dir=out',
      ],
    });

  it('prints YAML and JSON with units that load back to the same configuration', () => {
    const cfg = custom();
    const yaml = configToYaml(cfg);
    expect(yaml).toContain('capacity: 96 KiB\n');
    expect(yaml).toContain('latency: 1.5 ns\n');
    expect(yaml).toContain('hidden: [300, 20]\n');
    // Saved configurations leave out the invocation-only settings (output.dir, output.json).
    const saved = { ...cfg, output: { ...cfg.output, dir: null, json: false } };
    expect(yaml).not.toContain('dir: out');
    expect(resolveConfig({ file: file('round.yaml', yaml) })).toEqual(saved);
    const json = configToJson(cfg);
    expect(JSON.parse(json).hardware.dram.readEnergyPerBit).toBe('1.3 nJ');
    expect(resolveConfig({ file: file('round.json', json) })).toEqual(saved);
    expect(JSON.parse(configToJson(cfg, { canonical: true }))).toEqual({
      ...cfg,
      output: { progress: cfg.output.progress },
    });
  });

  it('documents every field', () => {
    const docs = describeFields();
    expect(docs.map((d) => d.path)).toEqual(fieldsOf().map(([p]) => p));
    for (const d of docs) {
      expect(d.doc.length, d.path).toBeGreaterThan(5);
      expect(d.type.length, d.path).toBeGreaterThan(2);
    }
    expect(docs.find((d) => d.path === 'hardware.sram.capacity')).toMatchObject({
      type: 'size > 0 B',
      default: expect.stringMatching(/^\d+ KiB$/),
    });
    expect(docs.find((d) => d.path === 'hardware.dram.latency')).toMatchObject({ type: 'time >= 0 s' });
    expect(docs.find((d) => d.path === 'model.bits')!.type).toBe('integer from 1 to 32');
  });
});

function nest(path: string, value: unknown): Record<string, unknown> {
  return path.split('.').reduceRight<unknown>((v, k) => ({ [k]: v }), value) as Record<string, unknown>;
}
