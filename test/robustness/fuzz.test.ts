/**
 * Fuzzing (fast-check, thousands of inputs, in-process): the configuration loader (layers of
 * overrides, --set strings, config files of random or damaged text), the hardware built from
 * what it accepts, and the CLI argument parser of every command. No uncaught exception; every
 * rejection is a UserError (exit code 2, one line) whose message names a field, flag or file;
 * a rejected command leaves nothing behind.
 *
 * Training and simulation are stubbed in the CLI part (vi.mock below): the fuzz is about what
 * happens before and after them, which is the same code as in a real run.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { defaultConfig, resolveConfig, configToYaml, configToJson } from '../../config/load.js';
import { fieldsOf } from '../../config/validate.js';
import { isUserError } from '../../config/errors.js';
import type { Config } from '../../config/schema.js';
import { networkSpec } from '../../model/network.js';
import { OpEmitter } from '../../trainer/op-emitter.js';
import { Simulator } from '../../sim/simulator.js';
import { checkTrainingFits } from '../../experiments/host-memory.js';
import { listFiles, runCli, tempDir } from './helpers.js';

vi.mock('../../trainer/train.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../trainer/train.js')>();
  const { networkSpec: spec } = await import('../../model/network.js');
  return {
    ...real,
    // A finished one-iteration result, at once.
    train: async (cfg: Config) => {
      const { topology, plan } = spec(cfg.model);
      const ip = plan.iterations[0]!;
      const it = {
        k: 1,
        trainableBits: ip.trainableBits,
        weights: ip.weights,
        storageBits: ip.storageBits,
        bitsPerWeight: ip.bitsPerWeight,
        epochsRun: 1,
        bestEpoch: 1,
        validationError: 0.5,
        testError: 0.5,
        validationCurve: [0.5],
        seconds: 0,
      };
      return {
        schedule: plan.schedule,
        dims: [...topology.dims],
        bits: plan.bits,
        iterations: [it],
        testError: 0.5,
        validationError: 0.5,
        bitsPerWeight: ip.bitsPerWeight,
        storageBits: ip.storageBits,
        weights: ip.weights,
        seconds: 0,
        stopReason: 'max-iterations',
        network: { subnets: [] },
      };
    },
  };
});
vi.mock('../../experiments/simulate.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../experiments/simulate.js')>();
  const { Simulator: Sim } = await import('../../sim/simulator.js');
  return { ...real, simulateRun: async (cfg: Config) => ({ report: new Sim(cfg).report() }) };
});

const PATHS = fieldsOf().map(([p]) => p);
const SECTIONS = [
  ...new Set(
    PATHS.flatMap((p) =>
      p
        .split('.')
        .slice(0, -1)
        .map((_, i, a) => a.slice(0, i + 1).join('.')),
    ),
  ),
];
const UNITS = [
  '',
  'b',
  'B',
  'KiB',
  'kB',
  'MiB',
  'GiB',
  'PiB',
  'EiB',
  'bit',
  'kb',
  'pJ',
  'nJ',
  'J',
  'W',
  'nW',
  'pW',
  'Hz',
  'MHz',
  'GHz',
  's',
  'ns',
  'ms',
  'm',
  'kg',
  'x',
  '%',
];

const key = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...PATHS) },
  { weight: 1, arbitrary: fc.constantFrom(...SECTIONS) },
  {
    weight: 1,
    arbitrary: fc.constantFrom('__proto__', 'constructor', 'toString', 'model.__proto__', 'hardware.sram.bankz', ''),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 10 }) },
);
const number = fc.oneof(
  fc.integer({ min: -10, max: 100 }),
  fc.integer(),
  fc.double(),
  fc.constantFrom(0, -0, 1e300, Number.MAX_SAFE_INTEGER, 2 ** 53, NaN, Infinity),
);
const quantity = fc.tuple(number, fc.constantFrom(...UNITS)).map(([n, u]) => `${n} ${u}`.trim());
const leaf = fc.oneof(
  number,
  quantity,
  fc.string({ maxLength: 12 }),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.oneof(fc.integer({ min: -2, max: 300 }), fc.string({ maxLength: 3 })), { maxLength: 3 }),
);
const { tree } = fc.letrec((tie) => ({
  tree: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, fc.dictionary(key, tie('tree'), { maxKeys: 3 })),
}));

/** Whether a rejection names a configuration field or section, a flag, a file, or a bad key. */
function namesSomething(message: string, extra: string[] = []): boolean {
  return (
    PATHS.some((p) => message.includes(p)) ||
    SECTIONS.some((s) => message.startsWith(`${s}:`) || message.includes(`key ${s}`)) ||
    /unknown key \S/.test(message) ||
    /^unknown preset "/.test(message) ||
    message.includes('--set') ||
    extra.some((x) => x !== '' && message.includes(x))
  );
}

/** What the simulator and the trainer check on a configuration the loader accepted. */
function hardwareAndHost(cfg: Config): void {
  const { topology, plan } = networkSpec(cfg.model);
  const sim = new Simulator(cfg);
  new OpEmitter(sim, topology, plan, cfg).runBegin();
  sim.report();
  checkTrainingFits(cfg);
}

/** Runs `f`; it must succeed or throw a UserError naming something. Returns the error message, if any. */
function acceptedOrNamed(f: () => void, extra: string[] = []): string | null {
  try {
    f();
    return null;
  } catch (e) {
    if (!isUserError(e)) throw e;
    expect(e.message.includes('\n'), e.message).toBe(false);
    expect(namesSomething(e.message, extra), e.message).toBe(true);
    return e.message;
  }
}

describe('configuration loader fuzz', () => {
  it('layers of overrides: accepted, or refused naming the field', () => {
    let refused = 0;
    fc.assert(
      fc.property(fc.dictionary(key, tree, { maxKeys: 4 }), (layer) => {
        if (acceptedOrNamed(() => hardwareAndHost(resolveConfig({ overrides: layer })))) refused++;
      }),
      { numRuns: 2500 },
    );
    expect(refused).toBeGreaterThan(100);
  });

  it('--set strings (YAML values): accepted, or refused naming the field or --set', () => {
    const value = fc.oneof(
      fc.string({ maxLength: 16 }),
      quantity,
      leaf.map((v) => JSON.stringify(v) ?? ''),
      fc.constantFrom('[1', '{a: 1', '!!js/function x', '*ref', '"unterminated', '- a\n- b', '&a [*a]'),
    );
    const set = fc.oneof(
      fc.tuple(key, value).map(([k, v]) => `${k}=${v}`),
      fc.string({ maxLength: 20 }),
    );
    fc.assert(
      fc.property(fc.array(set, { maxLength: 3 }), (sets) => {
        acceptedOrNamed(() => hardwareAndHost(resolveConfig({ sets })));
      }),
      { numRuns: 2000 },
    );
  });

  it('config files of random or damaged JSON and YAML text: accepted, or refused naming the file or field', () => {
    const dir = tempDir();
    const valid = [
      configToYaml(defaultConfig()),
      configToJson(defaultConfig()),
      'model:\n  hidden: [200]\nhardware:\n  sram: { capacity: 64 KiB, banks: 4 }\n',
    ];
    const damaged = fc
      .tuple(
        fc.constantFrom(...valid),
        fc.array(fc.tuple(fc.nat(), fc.nat({ max: 8 }), fc.string({ maxLength: 4 })), { minLength: 1, maxLength: 4 }),
      )
      .map(([text, edits]) =>
        edits.reduce((t, [at, del, ins]) => {
          const i = at % (t.length + 1);
          return t.slice(0, i) + ins + t.slice(i + del);
        }, text),
      );
    const text = fc.oneof(
      damaged,
      fc.string({ maxLength: 60 }),
      fc.jsonValue().map((v) => JSON.stringify(v)),
      tree.map((t) => JSON.stringify(t) ?? ''),
    );
    let n = 0;
    fc.assert(
      fc.property(text, fc.constantFrom('.json', '.yaml', '.yml'), (body, ext) => {
        const file = path.join(dir, `c${n++}${ext}`);
        fs.writeFileSync(file, body);
        try {
          acceptedOrNamed(() => hardwareAndHost(resolveConfig({ file })), [file]);
        } finally {
          fs.rmSync(file);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('CLI argument parser fuzz (in-process)', () => {
  const dir = tempDir();
  const work = path.join(dir, 'work');
  fs.mkdirSync(work);
  const goodConfig = path.join(dir, 'good.yaml');
  fs.writeFileSync(goodConfig, 'training:\n  epochs: 2\n');
  const badConfig = path.join(dir, 'bad.json');
  fs.writeFileSync(badConfig, '{"model": [}');
  const aFile = path.join(dir, 'a-file');
  fs.writeFileSync(aFile, 'x');
  const before = listFiles(dir);
  // Relative paths the fuzz makes up (`-o positional`, `--set output.dir=_P`) resolve against
  // the working directory: run in the scratch directory, never in the repository.
  const repoDir = process.cwd();
  beforeAll(() => process.chdir(work));
  afterAll(() => process.chdir(repoDir));

  const files = fc.constantFrom(
    goodConfig,
    badConfig,
    aFile,
    dir,
    path.join(dir, 'missing.yaml'),
    path.join(aFile, 'x'),
    '',
    '-',
  );
  const outDirs = fc.constantFrom(path.join(work, 'out'), aFile, path.join(aFile, 'sub'), '');
  const anyValue = fc.oneof(
    fc.string({ maxLength: 8 }),
    fc.integer().map(String),
    fc.constantFrom('-1', '0', '1e9', 'NaN', '--json', '3.5'),
  );
  const flag = fc
    .oneof(
      fc.tuple(fc.constantFrom('--config', '-c'), files),
      fc.tuple(fc.constantFrom('--preset'), fc.constantFrom('R2', 'paper', 'R2,paper', 'B1', 'nope', '', ',', '../x')),
      fc.tuple(
        fc.constantFrom('--set'),
        fc.oneof(
          fc.tuple(key, anyValue).map(([k, v]) => `${k}=${v}`),
          anyValue,
        ),
      ),
      fc.tuple(fc.constantFrom('--seed', '--epochs'), anyValue),
      fc.tuple(fc.constantFrom('--out', '-o'), outDirs),
      fc.tuple(fc.constantFrom('--checkpoint', '--resume'), fc.oneof(outDirs, files)),
      fc.tuple(
        fc.constantFrom('--trace-format', '--trace-window', '--trace-cycles', '--format', '--window', '--cycles'),
        anyValue,
      ),
      fc.tuple(
        fc.constantFrom('--trace-file'),
        fc.constantFrom(path.join(work, 't.csv'), path.join(dir, 'no', 't.csv'), aFile),
      ),
      fc.constantFrom(
        ['--json'],
        ['-q'],
        ['--quiet'],
        ['--no-checkpoint'],
        ['--schedule-only'],
        ['--describe'],
        ['--canonical'],
        ['--gzip'],
        ['--epochs'],
        ['--set'],
        ['-o'],
        ['--bogus'],
        ['-z'],
        ['positional'],
        ['--'],
        ['--json=false'],
        ['--seed=4'],
      ),
      fc.tuple(fc.constantFrom('--'), fc.string({ maxLength: 6 })).map(([a, b]) => [a + b]),
    )
    .map((x) => (Array.isArray(x) ? x : [x]) as string[]);
  const command = fc.constantFrom('config', 'train', 'run', 'simulate', 'trace', 'bogus', 'trian', '');

  it('every argv: exit 0, or exit 2 with one line naming a flag, field or file, and nothing left behind', async () => {
    let rejected = 0;
    await fc.assert(
      fc.asyncProperty(command, fc.array(flag, { maxLength: 5 }), async (cmd, flags) => {
        const argv = [...(cmd ? [cmd] : []), ...flags.flat()];
        // --help and --version print and exit the process (yargs): not for an in-process fuzz.
        fc.pre(!argv.some((a) => /^--?(h|help|version)(=|$)/.test(a)));
        const r = await runCli(...argv);
        const files = listFiles(dir);
        try {
          if (r.code === 0) return;
          expect(r.code, r.err).toBe(2);
          rejected++;
          expect(r.err, argv.join(' ')).toMatch(/^rbnn-sim: [^\n]+\n$/);
          const message = r.err.slice('rbnn-sim: '.length, -1);
          const tokens = argv.flatMap((a) => [a, a.replace(/^-+/, '').split('=')[0]!]).filter((t) => t.length > 0);
          expect(
            namesSomething(message, [...tokens, 'command', 'Unknown argument']) ||
              /^(Not enough arguments|Missing argument|Invalid values)/.test(message),
            `${argv.join(' ')} -> ${message}`,
          ).toBe(true);
          expect(files, `${argv.join(' ')} left files behind`).toEqual(before);
        } finally {
          // Empty it, not remove it: it is the working directory.
          for (const entry of fs.readdirSync(work)) fs.rmSync(path.join(work, entry), { recursive: true, force: true });
        }
      }),
      { numRuns: 1500 },
    );
    expect(rejected).toBeGreaterThan(300);
  });
});
