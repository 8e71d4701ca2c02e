/**
 * Emits one AccessEvent per SRAM word access and DRAM burst the cost model charges for an
 * operation occurrence, enumerating exactly what CostModel counted, in stream order (the real
 * interleaving of the streams is not modelled). Stamps follow the model's own timing: the DRAM
 * bursts of an occurrence go out from its first cycle at the port's modelled pace (its busy
 * time, with row misses and refresh, over its bursts; never faster than one burst per
 * burst time of the bus), SRAM words at their banks' pace (the k-th access to a bank at cycle
 * floor(k / ports)). One event object is reused for every call.
 */
import type { CostedOp } from '../model/ops.js';
import type { AccessEvent, AccessSink } from '../traces/events.js';
import type { Sram } from './components/sram.js';
import type { Dram } from './components/dram.js';
import type { OpCost } from './cost-model.js';
import type { Plan } from './dataflow.js';
import { DRAM_BUSY_CLOCKS, DRAM_READ_BURSTS, DRAM_WRITE_BURSTS, SRAM_READS, SRAM_WRITES } from './counters.js';

export class TraceEmitter {
  private readonly ev: AccessEvent = {
    cycle: 0,
    component: 'sram',
    bank: 0,
    write: false,
    address: 0,
    bits: 0,
    tensor: '',
    phase: 'load',
    iteration: 0,
    epoch: 0,
    batch: 0,
  };
  /** DRAM bursts emitted in the occurrence so far, and accelerator cycles per burst. */
  private burst = 0;
  private pace = 0;
  /** Accesses per SRAM bank in the occurrence so far. */
  private readonly perBank: Float64Array;
  private start = 0;

  constructor(
    private readonly sink: AccessSink,
    private readonly sram: Sram,
    private readonly dram: Dram,
  ) {
    this.perBank = new Float64Array(sram.banks);
  }

  /**
   * Events of one occurrence of `op` (batch number `batch`) starting at cycle `now`; `nominal`:
   * samples per batch of its data set (for the addresses of per-sample records).
   */
  occurrence(op: CostedOp, cost: OpCost, batch: number, nominal: number, now: number): void {
    const v = cost.vec;
    const events = v[SRAM_READS]! + v[SRAM_WRITES]! + v[DRAM_READ_BURSTS]! + v[DRAM_WRITE_BURSTS]!;
    if (events === 0) return;
    const bursts = v[DRAM_READ_BURSTS]! + v[DRAM_WRITE_BURSTS]!;
    this.burst = 0;
    this.pace =
      bursts > 0 ? Math.max(this.dram.cyclesPerBurst, v[DRAM_BUSY_CLOCKS]! / bursts / this.dram.clockRatio) : 0;
    this.perBank.fill(0);
    this.start = now;
    const ev = this.ev;
    ev.phase = op.phase;
    ev.iteration = op.where.iteration;
    ev.epoch = op.where.epoch;
    ev.batch = batch;
    const ch = cost.chunks;
    let j = 0;
    for (; j < ch.full; j++) this.plan(ch.fullPlan!, batch * nominal + j * ch.chunk);
    if (ch.rest > 0) this.plan(ch.restPlan!, batch * nominal + j * ch.chunk);
  }

  private plan(plan: Plan, sampleBase: number): void {
    for (const s of plan.streams) {
      const t = s.t;
      this.ev.tensor = t.name;
      if (s.bits === 0) continue;
      for (let p = 0; p < s.passes; p++) {
        if (t.layout === 'records') {
          for (let r = s.first; r < s.first + s.runs; r++) {
            const rec = t.records > 0 ? (sampleBase + r) % t.records : r;
            const at = rec * t.recordStride + s.offset;
            if (t.inSram) this.sramRange(t.sramBase + at, s.bits, s.write);
            else this.dramRange(t.dramBase + at, s.bits, s.write);
          }
          continue;
        }
        for (let r = 0; r < s.runs; r++) {
          const a = s.offset + r * s.stride;
          const b = a + s.bits;
          const split = t.onChipBits;
          if (a < split) this.sramRange(t.sramBase + a, Math.min(b, split) - a, s.write);
          if (b > split) {
            const a2 = Math.max(a, split);
            this.dramRange(t.dramBase + (a2 - split), b - a2, s.write);
          }
        }
      }
    }
  }

  private sramRange(start: number, bits: number, write: boolean): void {
    const n = this.sram.wordsTouched(start, bits);
    const first = this.sram.firstWord(start);
    const ev = this.ev;
    const bytes = this.sram.wordBits / 8;
    const B = this.sram.banks;
    ev.component = 'sram';
    ev.write = write;
    ev.bits = this.sram.wordBits;
    const ports = this.sram.ports;
    for (let w = first; w < first + n; w++) {
      const bank = w % B;
      ev.bank = bank;
      ev.address = w * bytes;
      ev.cycle = this.start + Math.floor(this.perBank[bank]!++ / ports);
      this.sink.access(ev);
    }
  }

  private dramRange(start: number, bits: number, write: boolean): void {
    const n = this.dram.burstsTouched(start, bits);
    const bb = this.dram.burstBits;
    const first = Math.floor(start / bb);
    const ev = this.ev;
    ev.component = 'dram';
    ev.bank = -1;
    ev.write = write;
    ev.bits = bb;
    for (let i = first; i < first + n; i++) {
      ev.address = i * this.dram.burstBytes;
      ev.cycle = this.start + Math.ceil(this.burst++ * this.pace - 1e-9);
      this.sink.access(ev);
    }
  }
}
