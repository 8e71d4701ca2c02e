/**
 * Stop a run between two batches (the trainer's shouldStop), save the checkpoint through its
 * bytes, resume it: the result, the frozen networks, the operation stream and the simulation
 * report are identical to an uninterrupted run's (wall-clock seconds aside).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { OpRecorder, type Op } from '../../model/ops.js';
import { trainOn, TrainingStopped, type TrainState } from '../../trainer/train.js';
import {
  checkResumable,
  decodeCheckpoint,
  encodeCheckpoint,
  makeCheckpoint,
  readCheckpoint,
  writeCheckpoint,
  type CheckpointKind,
} from '../../trainer/checkpoint.js';
import { simulateRun } from '../../experiments/simulate.js';
import { Simulator, type SimulatorState } from '../../sim/simulator.js';
import { formatReportJson } from '../../sim/report-format.js';
import type { Config } from '../../config/schema.js';
import { dataFor, listFiles, runCli, smallConfig, smallFlags, tempDir, withoutWallClock } from './helpers.js';

/** A state through the checkpoint format and back (what --resume reads). */
function throughBytes(
  cfg: Config,
  kind: CheckpointKind,
  state: TrainState,
  sim: SimulatorState | null = null,
): { state: TrainState; simulator: SimulatorState } {
  const c = decodeCheckpoint(encodeCheckpoint(makeCheckpoint(cfg, kind, state, sim)), 'mem');
  checkResumable(c, cfg, kind, 'mem');
  return { state: c.state, simulator: c.simulator as SimulatorState };
}

const signsOf = (r: ReturnType<typeof trainOn>): number[][][] =>
  r.network.subnets.map((n) => n.signs.map((s) => Array.from(s)));
const strip = ({ network: _n, ...r }: ReturnType<typeof trainOn>) => withoutWallClock(r);

describe('trainer: stop between batches, resume from the checkpoint', () => {
  const cfg = smallConfig({ 'training.epochPatience': 0 });
  const data = dataFor(cfg);
  const refOps = new OpRecorder();
  const ref = trainOn(cfg, data, { observer: refOps });
  // shouldStop is asked after each of the 3 x 2 x 40 training batches and at each of the 6 epoch
  // ends and 2 iteration ends that are not the last one.
  const asks = 3 * 2 * 40 + 6 + 2;

  /** Runs to completion, stopping at each of `stops` (the n-th question of each session) and resuming. */
  function interrupted(stops: number[]): { result: ReturnType<typeof trainOn>; ops: Op[]; sessions: number } {
    const ops: Op[] = [];
    let resume: TrainState | undefined;
    for (let s = 0; ; s++) {
      const rec = new OpRecorder();
      let asked = 0;
      const stopAt = stops[s];
      try {
        const result = trainOn(cfg, data, {
          observer: rec,
          ...(resume ? { resume } : {}),
          shouldStop: () => ++asked === stopAt,
        });
        ops.push(...rec.ops);
        return { result, ops, sessions: s + 1 };
      } catch (e) {
        if (!(e instanceof TrainingStopped)) throw e;
        ops.push(...rec.ops);
        expect(e.partial.incomplete).toBe(true);
        expect(e.partial.next).toEqual(e.state.next);
        resume = throughBytes(cfg, 'train', e.state).state;
      }
    }
  }

  it('is identical to the uninterrupted run wherever it stops (mid-epoch, epoch ends, iteration ends, twice)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 120 }), { minLength: 1, maxLength: 3 }), (stops) => {
        const r = interrupted(stops);
        expect(r.sessions).toBeGreaterThan(1);
        expect(strip(r.result)).toEqual(strip(ref));
        expect(signsOf(r.result)).toEqual(signsOf(ref));
        expect(r.ops).toEqual(refOps.ops);
      }),
      { numRuns: 6, examples: [[[1]], [[40]], [[41]], [[83]], [[asks - 1]], [[82, 1]]] },
    );
  });

  it('offers a checkpoint after every epoch and every iteration, each of which resumes to the same result', () => {
    const states: Array<{ at: string; state: TrainState }> = [];
    trainOn(cfg, data, {
      onCheckpoint: (state, at) => states.push({ at, state: throughBytes(cfg, 'train', state).state }),
    });
    expect(states.map((s) => s.at)).toEqual([
      'epoch',
      'epoch',
      'iteration',
      'epoch',
      'epoch',
      'iteration',
      'epoch',
      'epoch',
      'iteration',
    ]);
    expect(states.at(-1)!.state.next.stage).toBe('done');
    for (const i of [1, 2, 5, 8]) {
      const r = trainOn(cfg, data, { resume: states[i]!.state });
      expect(strip(r)).toEqual(strip(ref));
      expect(signsOf(r)).toEqual(signsOf(ref));
    }
  });

  it('stops on an AbortSignal too', () => {
    const ac = new AbortController();
    let batches = 0;
    const stopped = (() => {
      try {
        trainOn(cfg, data, {
          signal: ac.signal,
          progress: () => {
            if (++batches === 7) ac.abort();
          },
        });
      } catch (e) {
        return e as TrainingStopped;
      }
      return null;
    })();
    expect(stopped).toBeInstanceOf(TrainingStopped);
    expect(stopped!.state.next).toEqual({ iteration: 1, epoch: 1, batch: 7, stage: 'epoch' });
  });
});

describe('simulator: counters through a checkpoint', () => {
  const cfg = smallConfig();
  const data = dataFor(cfg);

  it('snapshotState/restoreState: a restored simulator goes on exactly as the original', () => {
    const a = new Simulator(cfg);
    const rec = new OpRecorder();
    trainOn(cfg, data, { observer: rec });
    const cut = Math.floor(rec.ops.length / 3);
    for (const o of rec.ops.slice(0, cut)) a.op(o);
    const b = new Simulator(cfg);
    b.restoreState(JSON.parse(JSON.stringify(a.snapshotState())) as SimulatorState);
    for (const o of rec.ops.slice(cut)) {
      a.op(o);
      b.op(o);
    }
    expect(formatReportJson(b.report())).toBe(formatReportJson(a.report()));
    expect(() => b.restoreState(a.snapshotState())).toThrow(/already observed/);
    const other = new Simulator(smallConfig({ 'hardware.sram.banks': 4 }));
    expect(() => other.restoreState(a.snapshotState())).toThrow(/SRAM banks/);
  });

  it.each([
    ['default policies', {}],
    [
      'frozen cache, gradients in SRAM, no overlap',
      { 'hardware.policy.frozen': 'cache', 'hardware.policy.gradients': 'sram', 'hardware.policy.overlap': false },
    ],
  ])(
    'a run stopped twice and resumed reports byte for byte what an uninterrupted run reports (%s)',
    async (_name, policy) => {
      const cfg = smallConfig(policy);
      const ref = await simulateRun(cfg, { progress: () => {} });
      const refJson = formatReportJson(withoutWallClock(ref.report));
      let resume: { state: TrainState; simulator: SimulatorState } | undefined;
      let sessions = 0;
      for (const stopAt of [37, 95, Infinity]) {
        let asked = 0;
        sessions++;
        const r = await simulateRun(cfg, { ...(resume ? { resume } : {}), shouldStop: () => ++asked === stopAt });
        if (!r.stopped) {
          expect(formatReportJson(withoutWallClock(r.report))).toBe(refJson);
          expect(withoutWallClock(r.training)).toEqual(withoutWallClock(ref.training));
          break;
        }
        // The partial report covers what was done: fewer training samples than the whole run.
        expect(r.report.total.samples.train).toBeLessThan(ref.report.total.samples.train);
        resume = throughBytes(cfg, 'run', r.stopped.state, r.stopped.simulator);
      }
      expect(sessions).toBe(3);
    },
  );
});

describe('rbnn-sim run / train --resume (in-process)', () => {
  it(
    'Ctrl-C during `run` writes a checkpoint and an incomplete report; --resume completes the same ' + 'report',
    async () => {
      const dir = tempDir();
      const flags = [...smallFlags(), '-q', '--json'];
      const full = await runCli('run', ...flags, '-o', path.join(dir, 'full'));
      expect(full.code).toBe(0);
      const expected = formatReportJson(withoutWallClock(JSON.parse(full.out)));

      // A SIGINT (emitted in-process) as soon as the first checkpoint is on disk.
      const out = path.join(dir, 'cut');
      const ck = path.join(out, 'checkpoint', 'checkpoint.rbnn');
      const poll = setInterval(() => {
        if (fs.existsSync(ck)) {
          clearInterval(poll);
          process.emit('SIGINT', 'SIGINT');
        }
      }, 2);
      const cut = await runCli('run', ...flags, '-o', out).finally(() => clearInterval(poll));
      expect(cut.code).toBe(130);
      const partial = JSON.parse(cut.out);
      expect(partial.incomplete).toBe(true);
      expect(JSON.parse(fs.readFileSync(path.join(out, 'report.json'), 'utf8')).incomplete).toBe(true);
      expect(fs.readFileSync(path.join(out, 'report.md'), 'utf8')).toMatch(
        /^# rbnn-sim report \(INCOMPLETE: stopped at iteration/,
      );
      expect(cut.err).toMatch(/continue with: rbnn-sim run --resume /);
      expect(listFiles(out)).toEqual(['checkpoint/checkpoint.rbnn', 'report.json', 'report.md']);

      const resumed = await runCli('run', ...flags, '-o', out, '--resume', path.join(out, 'checkpoint'));
      expect(resumed.code).toBe(0);
      expect(resumed.err).toMatch(/^rbnn-sim: resuming .*checkpoint\.rbnn \(iteration \d, /);
      expect(formatReportJson(withoutWallClock(JSON.parse(resumed.out)))).toBe(expected);
      expect(
        formatReportJson(withoutWallClock(JSON.parse(fs.readFileSync(path.join(out, 'report.json'), 'utf8')))),
      ).toBe(expected);
      // The final checkpoint says the run is done; resuming it again reprints the report.
      expect(readCheckpoint(path.join(out, 'checkpoint')).state.next.stage).toBe('done');
      const again = await runCli('run', ...flags, '--resume', path.join(out, 'checkpoint'), '--no-checkpoint');
      expect(formatReportJson(withoutWallClock(JSON.parse(again.out)))).toBe(expected);
    },
  );

  it(
    '`train --resume` gives the same TrainResult JSON; another configuration or command is refused by ' + 'name',
    async () => {
      const dir = tempDir();
      const flags = [...smallFlags(), '-q', '--json'];
      const full = await runCli('train', ...flags);
      expect(full.code).toBe(0);
      // A checkpoint of the end of iteration 1 (written as `train` writes them).
      const cfg = smallConfig();
      let state: TrainState | undefined;
      trainOn(cfg, dataFor(cfg), {
        onCheckpoint: (s, at) => {
          if (at === 'iteration' && !state) state = s;
        },
      });
      writeCheckpoint(dir, makeCheckpoint(cfg, 'train', state!));
      const resumed = await runCli('train', ...flags, '--resume', dir);
      expect(resumed.code).toBe(0);
      expect(withoutWallClock(JSON.parse(resumed.out))).toEqual(withoutWallClock(JSON.parse(full.out)));

      const epochs = await runCli('train', ...smallFlags({ 'training.epochs': 3 }), '-q', '--resume', dir);
      expect(epochs.code).toBe(2);
      expect(epochs.err).toBe(
        `rbnn-sim: checkpoint ${path.join(dir, 'checkpoint.rbnn')} was written with a different configuration ` +
          `(training.epochs is 2 there, 3 now): resume with the same --preset, --config and --set flags\n`,
      );
      const seed = await runCli('train', ...flags, '--seed', '9', '--set', 'hardware.sram.banks=4', '--resume', dir);
      // hardware does not matter to `train`
      expect(seed.err).toMatch(/different configuration \(training\.seed is 1 there, 9 now\)/);
      const asRun = await runCli('run', ...flags, '--resume', dir);
      expect(asRun.code).toBe(2);
      expect(asRun.err).toMatch(/was written by `rbnn-sim train`: resume it with `rbnn-sim train --resume`/);
      const missing = await runCli('train', ...flags, '--resume', path.join(dir, 'nope'));
      expect(missing.err).toBe(`rbnn-sim: checkpoint folder not found: ${path.join(dir, 'nope')}\n`);
      const empty = tempDir();
      expect((await runCli('train', ...flags, '--resume', empty)).err).toBe(
        `rbnn-sim: no checkpoint in ${empty} (expected ${path.join(empty, 'checkpoint.rbnn')})\n`,
      );
    },
  );
});
