/**
 * DRAMSim3 trace (TraceBasedCPU): one DRAM burst per line,
 *
 *   0x<hex byte address> READ|WRITE <cycle>\n
 *
 * DRAMSim3 reads each line as `std::hex >> addr >> type >> std::dec >> cycle` and issues the
 * request once its clock reaches `cycle` (DRAM clock cycles), so: addresses are aligned down to
 * the burst size, cycle = floor(accelerator cycle x clockRatio), cycles never decrease (a burst
 * the simulator reports earlier than the previous one is written at the previous one's cycle,
 * and counted in `clamped`), every line ends with a newline. SRAM accesses are not written.
 * The trace ends with the line `0x0 READ 99999999999`, which DRAMSim3 never injects (no run is
 * that long): its reader either drops a last line without a newline or reads the last line
 * twice when it has one, so without it the last burst would be lost or doubled.
 */
import type { AccessEvent } from '../events.js';
import type { FormatContext, TraceFormat } from './index.js';
import type { LineBuffer } from './buffer.js';

const enc = new TextEncoder();
const READ = enc.encode(' READ ');
const WRITE = enc.encode(' WRITE ');
/** Never injected: DRAMSim3 runs exactly the clocks it is given (-c), far fewer than this. */
export const DRAMSIM3_SENTINEL = '0x0 READ 99999999999\n';
const SENTINEL = enc.encode(DRAMSIM3_SENTINEL);

export class DramSim3Format implements TraceFormat {
  readonly name = 'dramsim3' as const;
  readonly dramOnly = true;
  readonly autoCycles = 'window' as const;
  clamped = 0;
  misaligned = 0;
  private last = 0;
  private readonly ratio: number;
  private readonly burst: number;

  constructor(ctx: FormatContext) {
    this.ratio = ctx.clockRatio;
    this.burst = ctx.burstBytes;
  }

  begin(): void {}

  write(e: AccessEvent, cycle: number, out: LineBuffer): void {
    let c = Math.floor(cycle * this.ratio);
    if (c < this.last) {
      c = this.last;
      this.clamped++;
    }
    this.last = c;
    let a = e.address;
    const r = a % this.burst;
    if (r !== 0) {
      a -= r;
      this.misaligned++;
    }
    out.reserve(48);
    out.byte(48);
    out.byte(120); // 0x
    out.hex(a);
    out.bytes(e.write ? WRITE : READ);
    out.dec(c);
    out.byte(10);
  }

  end(out: LineBuffer): void {
    out.reserve(32);
    out.bytes(SENTINEL);
  }
}
