/**
 * The off-chip DRAM port: a `busWidth`-bit bus, `dataRate` transfers per DRAM clock, DRAM clock =
 * `clockRatio` x accelerator clock, accesses in bursts of `burstBits`, a latency to first data,
 * rows of `rowBits` (one activation per row a contiguous run touches).
 */
import type { HardwareConfig } from '../../config/schema.js';
import { UserError } from '../../config/errors.js';

export class Dram {
  readonly burstBits: number;
  readonly burstBytes: number;
  readonly rowBits: number;
  /** Accelerator cycles one burst occupies the bus (may be fractional). */
  readonly cyclesPerBurst: number;
  /** Latency to first data in accelerator cycles (rounded up). */
  readonly latencyCycles: number;
  readonly clockRatio: number;

  constructor(hw: HardwareConfig) {
    const d = hw.dram;
    if (d.burst % 8 !== 0) throw new UserError(`hardware.dram.burst: expected a whole number of bytes, got ${d.burst} bits`);
    if (d.busWidth % 8 !== 0) throw new UserError(`hardware.dram.busWidth: expected a whole number of bytes, got ${d.busWidth} bits`);
    this.burstBits = d.burst;
    this.burstBytes = d.burst / 8;
    this.rowBits = d.rowSize;
    this.clockRatio = d.clockRatio;
    this.cyclesPerBurst = d.burst / (d.busWidth * d.dataRate * d.clockRatio);
    this.latencyCycles = Math.ceil(d.latency * hw.clock - 1e-9);
  }

  /** Bursts an access to bits [startBit, startBit + bits) touches (0 when bits = 0). */
  burstsTouched(startBit: number, bits: number): number {
    if (bits <= 0) return 0;
    const b = this.burstBits;
    return Math.floor((startBit + bits - 1) / b) - Math.floor(startBit / b) + 1;
  }

  /** Row activations of one contiguous run of `bursts` bursts: one per row it starts or enters. */
  activations(startBit: number, bits: number): number {
    if (bits <= 0) return 0;
    const r = this.rowBits;
    const first = Math.floor(startBit / this.burstBits) * this.burstBits;
    return Math.floor((startBit + bits - 1) / r) - Math.floor(first / r) + 1;
  }

  /**
   * Cycles the port needs for `bursts` bursts of one operation: transfer time plus the latency
   * to first data, exposed once per operation (later bursts are pipelined behind it).
   */
  cycles(bursts: number): number {
    if (bursts <= 0) return 0;
    return Math.ceil(bursts * this.cyclesPerBurst - 1e-9) + this.latencyCycles;
  }
}
