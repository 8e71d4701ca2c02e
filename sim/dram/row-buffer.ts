/**
 * Open-page row buffers: every bank keeps its last row open; an access to another row of the bank
 * is an activation (precharge + activate). An activation in the bank the previous burst used is a
 * back-to-back row conflict whose tRP + tRCD cannot hide behind other banks' transfers.
 */
import type { AddressMap } from './address-map.js';

export class RowBuffers {
  activations = 0;
  conflicts = 0;
  private readonly open: Float64Array;
  private last = -1;

  constructor(private readonly map: AddressMap) {
    this.open = new Float64Array(map.banks).fill(-1);
  }

  /** All banks precharged (and the counts kept). */
  closeAll(): void {
    this.open.fill(-1);
    this.last = -1;
  }

  /** One burst. */
  burst(b: number): void {
    const bank = this.map.bank(b);
    const row = this.map.row(b);
    if (this.open[bank] !== row) {
      this.activations++;
      if (bank === this.last) this.conflicts++;
      this.open[bank] = row;
    }
    this.last = bank;
  }

  /** Bursts first..first+n-1 in order, one (bank, row) segment at a time. */
  range(first: number, n: number): void {
    const seg = this.map.segment;
    let b = first;
    const end = first + n;
    while (b < end) {
      this.burst(b);
      b = (Math.floor(b / seg) + 1) * seg;
    }
  }
}
