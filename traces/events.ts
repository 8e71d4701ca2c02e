/**
 * Access events: one per SRAM or DRAM access the simulator charges (SPEC section 3).
 * The simulator (sim/) feeds an AccessSink; trace writers (traces/) implement it.
 * Events are passed as reused objects: a sink must copy what it keeps.
 */
import type { CostedOp, Phase } from '../model/ops.js';

export type Component = 'sram' | 'dram';

export interface AccessEvent {
  /** Accelerator clock cycle at which the access is issued. */
  cycle: number;
  component: Component;
  /** SRAM bank index; -1 for DRAM. */
  bank: number;
  write: boolean;
  /** Byte address in the component's address space. */
  address: number;
  /** Bits transferred (SRAM: one word; DRAM: one burst). */
  bits: number;
  /** Which tensor: e.g. "weights.p3", "activations", "errors", "gradients", "input". */
  tensor: string;
  phase: Phase;
  iteration: number;
  epoch: number;
  batch: number;
}

export interface AccessSink {
  access(e: AccessEvent): void;
}

/**
 * What the simulator takes to trace (sim/): it calls `filter` for each costed op and, for the
 * ops it accepts, `sink.access` for every access it charges. traces/session.ts builds one.
 */
export interface TraceTap {
  sink: AccessSink;
  filter: (op: CostedOp) => boolean;
}
