/** Each format on a small hand-checked case: exact expected lines. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openTrace, type TraceSettings } from '../../traces/session.js';
import type { AccessEvent } from '../../traces/events.js';
import { LineBuffer } from '../../traces/formats/buffer.js';
import { ev, tempDir } from './helpers.js';

// DRAM burst 64 B, DRAM clock 1.5x the accelerator's.
const HW = { clockRatio: 1.5, burstBits: 512, banks: 4 };

/** The events, written through a trace session with a reused event object (as the simulator does). */
function write(settings: Omit<TraceSettings, 'file'>, events: AccessEvent[], hw = HW): string {
  const file = path.join(tempDir(), 'trace.out');
  const t = openTrace({ ...settings, file }, hw);
  const reused = ev({});
  for (const e of events) t.sink.access(Object.assign(reused, e));
  t.close();
  return fs.readFileSync(file, 'utf8');
}

const EVENTS: AccessEvent[] = [
  ev({ cycle: 10, address: 0x1000, tensor: 'input', phase: 'load' }),
  ev({
    cycle: 11,
    component: 'sram',
    bank: 3,
    write: true,
    address: 64,
    bits: 64,
    tensor: 'weights.p0',
    phase: 'forward',
  }),
  ev({ cycle: 12, write: true, address: 0x1040, tensor: 'activations', phase: 'forward' }),
  // not aligned to the 64-byte burst: written as 0x2000
  ev({ cycle: 12, address: 0x2030, tensor: 'activations', phase: 'forward' }),
  // reported earlier than the previous burst: written at the previous cycle
  ev({ cycle: 11, address: 0x40, tensor: 'weights.p1', phase: 'backward', iteration: 2, epoch: 3, batch: 7 }),
  // above 4 GiB
  ev({
    cycle: 20,
    write: true,
    address: 0x100000040,
    tensor: 'errors',
    phase: 'backward',
    iteration: 2,
    epoch: 3,
    batch: 7,
  }),
];

describe('DRAMSim3 format', () => {
  it('writes one burst per line: 0x<addr> READ|WRITE <DRAM cycle>, aligned, non-decreasing, newline-terminated', () => {
    // absolute: DRAM cycle = floor(cycle x 1.5): 15, 18, 18, floor(16.5)=16 -> 18 (clamped), 30
    const text = write({ format: 'dramsim3', window: 'all', cycles: 'absolute' }, EVENTS);
    expect(text).toBe(
      [
        '0x1000 READ 15',
        '0x1040 WRITE 18',
        '0x2000 READ 18',
        '0x40 READ 18',
        '0x100000040 WRITE 30',
        '0x0 READ 99999999999', // never injected: DRAMSim3 then reads exactly the lines above
        '',
      ].join('\n'),
    );
  });

  it('window cycles start at 0 at the first traced access (the default for dramsim3)', () => {
    // cycles - 10: 0, 2 -> 3, 2 -> 3, 1 -> floor(1.5)=1 -> 3 (clamped), 10 -> 15
    const text = write({ format: 'dramsim3', window: 'all' }, EVENTS);
    expect(text).toBe(
      '0x1000 READ 0\n0x1040 WRITE 3\n0x2000 READ 3\n0x40 READ 3\n0x100000040 WRITE 15\n0x0 READ 99999999999\n',
    );
  });

  it('counts clamped and misaligned lines', () => {
    const file = path.join(tempDir(), 't.trace');
    const t = openTrace({ format: 'dramsim3', window: 'all', file }, HW);
    for (const e of EVENTS) t.sink.access(e);
    const s = t.close();
    expect(s).toMatchObject({ events: 5, clamped: 1, misaligned: 1, received: 6 });
    expect(s.dram).toEqual({ reads: 3, writes: 2, readBits: 3 * 512, writeBits: 2 * 512 });
    expect(s.sram).toEqual({ reads: 0, writes: 0, readBits: 0, writeBits: 0 });
  });
});

describe('Ramulator format', () => {
  it('writes one burst per line: 0x<addr> R|W, aligned, newline-terminated', () => {
    const text = write({ format: 'ramulator', window: 'all' }, EVENTS);
    expect(text).toBe('0x1000 R\n0x1040 W\n0x2000 R\n0x40 R\n0x100000040 W\n');
  });
});

describe('CSV format', () => {
  it('writes a header and every field of every access (SRAM and DRAM), absolute cycles', () => {
    const text = write({ format: 'csv', window: 'all' }, EVENTS);
    expect(text).toBe(
      [
        'cycle,component,bank,op,address,bits,tensor,phase,iteration,epoch,batch',
        '10,dram,-1,r,4096,512,input,load,1,1,0',
        '11,sram,3,w,64,64,weights.p0,forward,1,1,0',
        '12,dram,-1,w,4160,512,activations,forward,1,1,0',
        '12,dram,-1,r,8240,512,activations,forward,1,1,0',
        '11,dram,-1,r,64,512,weights.p1,backward,2,3,7',
        '20,dram,-1,w,4294967360,512,errors,backward,2,3,7',
        '',
      ].join('\n'),
    );
  });

  it('quotes tensor names that need it (RFC 4180)', () => {
    const text = write({ format: 'csv', window: 'all' }, [ev({ cycle: 1, tensor: 'a,"b"' })]);
    expect(text.split('\n')[1]).toBe('1,dram,-1,r,0,512,"a,""b""",load,1,1,0');
  });

  it("keeps only the window's components and banks", () => {
    const text = write({ format: 'csv', window: 'components=sram;banks=3' }, [
      ...EVENTS,
      ev({ cycle: 13, component: 'sram', bank: 1, address: 8, bits: 64 }),
    ]);
    expect(text.trim().split('\n')).toEqual([
      'cycle,component,bank,op,address,bits,tensor,phase,iteration,epoch,batch',
      '11,sram,3,w,64,64,weights.p0,forward,1,1,0',
    ]);
  });

  it('an empty window writes the header only (CSV) or the end line only (DRAMSim3)', () => {
    expect(write({ format: 'csv', window: 'all' }, [])).toBe(
      'cycle,component,bank,op,address,bits,tensor,phase,iteration,epoch,batch\n',
    );
    expect(write({ format: 'dramsim3', window: 'all' }, [])).toBe('0x0 READ 99999999999\n');
  });
});

describe('LineBuffer number encoding', () => {
  it('matches toString(16) and toString(10) for integers up to 2^53', () => {
    const samples = [
      0,
      1,
      9,
      10,
      15,
      16,
      255,
      4095,
      65535,
      2 ** 31 - 1,
      2 ** 31,
      2 ** 32 - 1,
      2 ** 32,
      2 ** 32 + 1,
      0xdeadbeef12,
      1e15 + 7,
      Number.MAX_SAFE_INTEGER,
    ];
    let text = '';
    const b = new LineBuffer((c) => {
      text += Buffer.from(c).toString('latin1');
    }, 64);
    for (const n of samples) {
      b.reserve(40);
      b.hex(n);
      b.byte(32);
      b.dec(n);
      b.byte(10);
    }
    b.flush();
    expect(text).toBe(samples.map((n) => `${n.toString(16)} ${n}\n`).join(''));
  });
});
