/**
 * Access events: one per SRAM or DRAM access the simulator charges (SPEC section 3).
 * The simulator (sim/) feeds an AccessSink; trace writers (traces/) implement it.
 * Events are passed as reused objects: a sink must copy what it keeps.
 */
import type { Phase } from '../model/ops.js';

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
