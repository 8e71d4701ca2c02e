/**
 * The recorded operation stream of a training run replays to exactly the stream the trainer
 * emitted (op by op), and its compressed replay costs exactly the same as the original.
 */
import { describe, expect, it } from 'vitest';
import { OpRecorder, fanOut } from '../../model/ops.js';
import { Simulator } from '../../sim/simulator.js';
import { train } from '../../trainer/train.js';
import { enumerateSchedule } from '../../trainer/schedule.js';
import { StreamRecorder, replayStream, checkStream } from '../../experiments/stream.js';
import { tinyConfig } from './helpers.js';

describe('recorded training streams', () => {
  for (const [name, extra] of [
    ['every epoch runs', []],
    [
      'early stopping, a short last batch',
      [
        'training.epochs=4',
        'training.epochPatience=1',
        'training.trainSamples=290',
        'training.testSamples=70',
        'model.maxIterations=3',
        'model.iterationPatience=1',
      ],
    ],
    ['conventional', ['model.schedule=conventional', 'model.maxIterations=1']],
  ] as const) {
    it(`replays op by op to the trainer's stream (${name})`, async () => {
      const cfg = tinyConfig([...extra]);
      const ops = new OpRecorder();
      const rec = new StreamRecorder();
      const sim = new Simulator(cfg);
      await train(cfg, { observer: fanOut(ops, rec, sim) });
      const stream = rec.stream();
      checkStream(JSON.parse(JSON.stringify(stream)));
      const again = new OpRecorder();
      replayStream(cfg, stream, again, { compress: false });
      expect(again.ops).toEqual(ops.ops);
      // Compressed replay (runs of batches as repeat): the same report.
      const replayed = new Simulator(cfg);
      replayStream(cfg, stream, replayed);
      expect(replayed.report()).toEqual(sim.report());
      expect(stream.events.length).toBeLessThan(ops.ops.length / 10);
    });
  }

  it('records a schedule enumerated with repeat the same way', () => {
    const cfg = tinyConfig(['training.trainSamples=310']);
    const rec = new StreamRecorder();
    const sim = new Simulator(cfg);
    enumerateSchedule(cfg, fanOut(rec, sim));
    const replayed = new Simulator(cfg);
    replayStream(cfg, rec.stream(), replayed);
    expect(replayed.report()).toEqual(sim.report());
  });

  it('rejects a malformed stream', () => {
    expect(() => checkStream({ occurrences: 1, events: [['train', 1, 1]] })).toThrow(/bad stream event/);
    expect(() => checkStream(null)).toThrow(/not a recorded stream/);
  });
});
