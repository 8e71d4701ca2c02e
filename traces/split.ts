/**
 * Splitting compressed batches for a trace window.
 *
 * The schedule enumerator compresses identical batches into one op with `repeat` (model/ops.ts):
 * a training epoch is one group of ops (load, forward, ..., update) with repeat = 500. A trace
 * window may want batch 0 only, and every traced access must carry its own batch number, so
 * before the simulator sees such a group, `splitForWindow` re-emits it as
 *   - the batches the window selects, one at a time (repeat = 1, where.batch = b), and
 *   - the stretches between them as groups with the matching repeat,
 * in batch order, each group's ops in their original order. Costs scale linearly with repeat
 * (model/ops.ts), so the split stream costs the same as the compressed one; the simulator then
 * only ever sees traced ops with repeat = 1.
 *
 * A group is a run of consecutive costed ops with equal where (iteration, epoch, batch) and
 * repeat; a load op (every batch starts with one) always starts a new group. Streams with
 * repeat = 1 (the trainer's) pass through untouched. Memory: one group of ops (tens of ops).
 */
import type { CostedOp, Op, OpObserver, Where } from '../model/ops.js';
import type { TraceWindow } from './window.js';

export interface SplitObserver extends OpObserver {
  /** Emits a group still held (call at the end of a stream that does not end with a non-costed op). */
  flush(): void;
}

function isCosted(o: Op): o is CostedOp {
  return (
    o.kind === 'load' || o.kind === 'matmul' || o.kind === 'elementwise' || o.kind === 'gradient' || o.kind === 'update'
  );
}

export function splitForWindow(window: TraceWindow, downstream: OpObserver): SplitObserver {
  let group: CostedOp[] = [];
  let buffering = false;
  let gi = 0,
    ge = 0,
    gb = 0,
    gr = 0;

  const emit = (batch: number, repeat: number): void => {
    const where: Where = { iteration: gi, epoch: ge, batch };
    for (const o of group) downstream.op({ ...o, where, repeat } as CostedOp);
  };
  const endGroup = (): void => {
    if (!buffering) return;
    buffering = false;
    const last = gb + gr - 1;
    let next = gb;
    for (const [lo, hi] of window.batches.clip(gb, last)) {
      if (lo > next) emit(next, lo - next);
      for (let b = lo; b <= hi; b++) emit(b, 1);
      next = hi + 1;
    }
    if (next <= last) emit(next, last - next + 1);
    group = [];
  };
  const sameGroup = (o: CostedOp): boolean =>
    o.kind !== 'load' && o.repeat === gr && o.where.iteration === gi && o.where.epoch === ge && o.where.batch === gb;

  return {
    op(o: Op): void {
      if (!isCosted(o)) {
        endGroup();
        downstream.op(o);
        return;
      }
      if (buffering && sameGroup(o)) {
        group.push(o);
        return;
      }
      endGroup();
      const w = o.where;
      if (
        o.repeat > 1 &&
        window.iterations.has(w.iteration) &&
        window.epochs.has(w.epoch) &&
        window.batches.intersects(w.batch, w.batch + o.repeat - 1)
      ) {
        buffering = true;
        gi = w.iteration;
        ge = w.epoch;
        gb = w.batch;
        gr = o.repeat;
        group.push(o);
        return;
      }
      downstream.op(o);
    },
    flush: endGroup,
  };
}
