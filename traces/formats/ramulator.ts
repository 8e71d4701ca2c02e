/**
 * Ramulator (1.x, `--mode=dram`) memory trace: one DRAM burst per line,
 *
 *   0x<hex byte address> R|W\n
 *
 * Ramulator reads each line with std::getline, the address with std::stoul(line, &pos, 16)
 * (which accepts the 0x prefix) and the type from the first character after the one space. It
 * stops at end of file on a line that has no newline, so every line ends with one. Addresses
 * are aligned down to the burst size; SRAM accesses are not written; no timing (requests are
 * issued as fast as the memory accepts them).
 */
import type { AccessEvent } from '../events.js';
import type { FormatContext, TraceFormat } from './index.js';
import type { LineBuffer } from './buffer.js';

const enc = new TextEncoder();
const R = enc.encode(' R\n');
const W = enc.encode(' W\n');

export class RamulatorFormat implements TraceFormat {
  readonly name = 'ramulator' as const;
  readonly dramOnly = true;
  readonly autoCycles = 'window' as const;
  readonly clamped = 0;
  misaligned = 0;
  private readonly burst: number;

  constructor(ctx: FormatContext) {
    this.burst = ctx.burstBytes;
  }

  begin(): void {}

  write(e: AccessEvent, _cycle: number, out: LineBuffer): void {
    let a = e.address;
    const r = a % this.burst;
    if (r !== 0) {
      a -= r;
      this.misaligned++;
    }
    out.reserve(24);
    out.byte(48);
    out.byte(120);
    out.hex(a);
    out.bytes(e.write ? W : R);
  }
}
