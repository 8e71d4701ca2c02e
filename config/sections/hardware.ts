import { bool, int, oneOf, quantity } from '../fields.js';

/**
 * The modelled accelerator (SPEC section 2). Every default names its source.
 * Owned by the sim/ layer; see docs/HARDWARE.md for the model behind each number.
 */
export const hardwareSection = {
  // 100 MHz: a typical clock of sensor-node learning accelerators (assumption, not from the paper).
  clock: quantity('Hz', '100 MHz', 'accelerator clock', { min: 0, exclusiveMin: true }),
  sram: {
    // 256 KiB: holds RBNN R2's 155 KiB of weights with room for activations; B2 (465 KiB) and B1 (930 KiB) do not fit.
    capacity: quantity('bit', '256 KiB', 'on-chip SRAM capacity (all banks)', { min: 0, exclusiveMin: true }),
    banks: int(8, 'number of SRAM banks', { min: 1 }),
    wordWidth: quantity('bit', '64 b', 'bits per SRAM access', { min: 0, exclusiveMin: true }),
    ports: int(1, 'ports per bank (accesses per bank per cycle)', { min: 1 }),
    cellType: oneOf(['low-leakage', 'high-performance'] as const, 'low-leakage', 'SRAM cell type (sets leakage per bit)'),
  },
  dram: {
    // LPDDR4 x32 channel: 32-bit bus (JEDEC JESD209-4).
    busWidth: quantity('bit', '32 b', 'DRAM data bus width', { min: 0, exclusiveMin: true }),
    clockRatio: num1('DRAM clock / accelerator clock (DRAM cycles per accelerator cycle)'),
    burst: quantity('bit', '64 B', 'bytes per DRAM burst (access granularity)', { min: 0, exclusiveMin: true }),
    latency: quantity('s', '100 ns', 'latency of a DRAM access (first data)', { min: 0 }),
    // 8 pJ/bit: Accelergy's CACTI plug-in LPDDR4 figure (SPEC section 2).
    readEnergyPerBit: quantity('J', '8 pJ', 'DRAM read energy per bit', { min: 0 }),
    writeEnergyPerBit: quantity('J', '8 pJ', 'DRAM write energy per bit', { min: 0 }),
    activationEnergy: quantity('J', '0 pJ', 'energy per DRAM row activation (0: folded into per-bit energy)', { min: 0 }),
  },
  mac: {
    lanes: int(64, 'MAC lanes of the bit-serial array', { min: 1 }),
    serialOperand: oneOf(['weight', 'activation'] as const, 'weight', 'operand fed bit-serially'),
    bitsPerCycle: int(1, 'bits of the serial operand consumed per cycle', { min: 1 }),
    accumulatorBits: int(32, 'accumulator width of a lane', { min: 8 }),
  },
  policy: {
    frozen: oneOf(['recompute', 'cache'] as const, 'recompute',
      'recompute: frozen sub-networks are re-run in every forward pass (the paper); cache: their summed output contributions are kept per sample'),
    overlap: bool(true, 'double-buffering: compute, SRAM and DRAM overlap (cycles = max of bounds) instead of adding up'),
  },
} as const;

function num1(doc: string) {
  return { kind: 'number' as const, default: 1, doc, min: 0, exclusiveMin: true };
}
