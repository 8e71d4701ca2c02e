/**
 * Native CSV: a header row, then one row per access (SRAM word or DRAM burst), all fields of
 * the access event. RFC 4180 quoting for tensor names that need it; LF line ends.
 *
 *   cycle,component,bank,op,address,bits,tensor,phase,iteration,epoch,batch
 *   1200,sram,3,r,4096,64,weights.p0,forward,1,1,0
 *   1201,dram,-1,w,65536,512,activations,forward,1,1,0
 *
 * cycle: accelerator cycle (absolute by default); bank: SRAM bank, -1 for DRAM; op: r or w;
 * address: byte address in the component's address space, decimal; bits: bits transferred.
 */
import type { AccessEvent } from '../events.js';
import type { TraceFormat } from './index.js';
import type { LineBuffer } from './buffer.js';

export const CSV_HEADER = 'cycle,component,bank,op,address,bits,tensor,phase,iteration,epoch,batch';

const enc = new TextEncoder();
const COMPONENT = { sram: enc.encode(',sram,'), dram: enc.encode(',dram,') };
const OP_R = enc.encode(',r,');
const OP_W = enc.encode(',w,');

export class CsvFormat implements TraceFormat {
  readonly name = 'csv' as const;
  readonly dramOnly = false;
  readonly autoCycles = 'absolute' as const;
  readonly clamped = 0;
  readonly misaligned = 0;
  private readonly strings = new Map<string, Uint8Array>();
  private lastTensor = '';
  private lastTensorBytes: Uint8Array = new Uint8Array(0);
  private lastPhase = '';
  private lastPhaseBytes: Uint8Array = new Uint8Array(0);

  begin(out: LineBuffer): void {
    out.reserve(CSV_HEADER.length + 1);
    out.bytes(enc.encode(CSV_HEADER + '\n'));
  }

  write(e: AccessEvent, cycle: number, out: LineBuffer): void {
    if (e.tensor !== this.lastTensor) {
      this.lastTensor = e.tensor;
      this.lastTensorBytes = this.field(e.tensor);
    }
    if (e.phase !== this.lastPhase) {
      this.lastPhase = e.phase;
      this.lastPhaseBytes = this.field(e.phase);
    }
    const tensor = this.lastTensorBytes;
    const phase = this.lastPhaseBytes;
    out.reserve(8 * 24 + tensor.length + phase.length);
    num(out, cycle);
    out.bytes(COMPONENT[e.component]);
    num(out, e.bank);
    out.bytes(e.write ? OP_W : OP_R);
    num(out, e.address);
    out.byte(44);
    num(out, e.bits);
    out.byte(44);
    out.bytes(tensor);
    out.byte(44);
    out.bytes(phase);
    out.byte(44);
    num(out, e.iteration);
    out.byte(44);
    num(out, e.epoch);
    out.byte(44);
    num(out, e.batch);
    out.byte(10);
  }

  private field(s: string): Uint8Array {
    let b = this.strings.get(s);
    if (!b) {
      b = enc.encode(csvField(s));
      if (this.strings.size > 10000) this.strings.clear();
      this.strings.set(s, b);
    }
    return b;
  }
}

/** RFC 4180: quote fields holding a comma, quote, CR or LF; double the quotes. */
export function csvField(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function num(out: LineBuffer, n: number): void {
  if ((n | 0) === n || Number.isSafeInteger(n)) out.dec(n);
  else out.bytes(enc.encode(String(n)));
}
