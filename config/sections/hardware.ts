import { bool, int, num, oneOf, quantity, str } from '../fields.js';

/**
 * The modelled accelerator (SPEC section 2). Every default names its source here and in
 * docs/HARDWARE.md, which also describes the model behind each number.
 * Owned by the sim/ layer.
 */
export const hardwareSection = {
  // 100 MHz: a typical clock of sensor-node learning accelerators (assumption, not from the paper).
  clock: quantity('Hz', '100 MHz', 'accelerator clock', { min: 0, exclusiveMin: true }),
  sram: {
    // 320 KiB: holds RBNN R2 (155 KiB of weights) with its whole training working set at batch 100
    // (about 290 KiB in all); B2 (465 KiB of weights) and B1 (930 KiB) do not fit. Design choice.
    capacity: quantity('bit', '320 KiB', 'on-chip SRAM capacity (all banks)', { min: 0, exclusiveMin: true }),
    // 10 banks of 32 KiB (assumption): small banks keep the energy per access low (see energyExponent).
    // At most 1024: beyond that the per-bank counters and report rows stop meaning anything.
    banks: int(10, 'number of SRAM banks (addresses interleaved by word)', { min: 1, max: 1024 }),
    // 64-bit words: the access width of Horowitz's SRAM figures (ISSCC 2014).
    wordWidth: quantity('bit', '64 b', 'bits per SRAM access (a multiple of 8)', { min: 0, exclusiveMin: true }),
    // Single-ported banks (assumption: the cheapest, densest macro).
    ports: int(1, 'ports per bank (accesses per bank per cycle)', { min: 1 }),
    cellType: oneOf(
      ['low-leakage', 'high-performance'] as const,
      'low-leakage',
      'SRAM cell type: selects leakageLowLeakage or leakageHighPerformance',
    ),
    // Horowitz, "Computing's energy problem", ISSCC 2014, 45 nm: 10 pJ per 64-bit read of an 8 KB SRAM.
    readEnergy: quantity(
      'J',
      '10 pJ',
      'energy of one access of referenceWordWidth bits to a bank of referenceBankSize (read)',
      { min: 0 },
    ),
    // Assumption: a write costs as much as a read (Horowitz gives reads only).
    writeEnergy: quantity(
      'J',
      '10 pJ',
      'energy of one write of referenceWordWidth bits to a bank of referenceBankSize',
      { min: 0 },
    ),
    // The bank size and width of the anchor point above (Horowitz: 8 KB, 64 bits).
    referenceBankSize: quantity('bit', '8 KiB', 'bank size at which readEnergy/writeEnergy are given', {
      min: 0,
      exclusiveMin: true,
    }),
    referenceWordWidth: quantity('bit', '64 b', 'access width at which readEnergy/writeEnergy are given', {
      min: 0,
      exclusiveMin: true,
    }),
    // 0.4746 = ln(100/10) / ln(1 MB / 8 KB): the power law through Horowitz's 8 KB (10 pJ) and 1 MB
    // (100 pJ) points; it gives 19.3 pJ at 32 KB (Horowitz: 20 pJ). Accelergy's CACTI plug-in
    // scales with depth^0.78 instead (set 0.78 to use it).
    energyExponent: num(0.4746, 'energy per access scales with (bank size / referenceBankSize)^energyExponent', {
      min: 0,
    }),
    // Derived from CACTI 6.5's 45 nm ITRS LSTP device table: Ioff = 1.01e-11 A/um at 300 K,
    // Vdd = 1.1 V, times the off-width of a 6T cell (2.08 + 1.31 + 1.23 F = 0.208 um): 2.3 pW per bit.
    leakageLowLeakage: quantity('W', '2.3 pW', 'leakage power per bit of low-leakage (LSTP) cells', { min: 0 }),
    // Same derivation with CACTI 6.5's 45 nm ITRS HP devices: Ioff = 2.8e-7 A/um, Vdd = 1.0 V: 58 nW per bit.
    leakageHighPerformance: quantity('W', '58 nW', 'leakage power per bit of high-performance (HP) cells', { min: 0 }),
    // Wiring between the SRAM's port and its banks (an H-tree, as CACTI routes it): per access, every
    // bit travels sqrt(SRAM area) - sqrt(bank area) mm more than inside the anchored bank. 0.1 pJ per
    // bit per mm: Keckler et al., "GPUs and the future of parallel computing", IEEE Micro 2011
    // (40 nm: 26 pJ to move 256 bits 1 mm). 0 turns the wiring term off (the machine before issue 14).
    wireEnergy: quantity('J', '0.1 pJ', 'energy per bit per mm of on-chip wire (SRAM H-tree term)', { min: 0 }),
    // 0.346 um^2: Intel's 45 nm 6T cell (Mistry et al., IEDM 2007).
    cellArea: num(0.346, 'area of one SRAM bit cell in um^2 (sets the H-tree length)', { min: 0 }),
    // Assumption: 0.01 mm^2 of decoders, sense amplifiers and drivers per bank (a 45 nm 8 KB macro is
    // about 0.023 mm^2 of cells at 70 % array efficiency, CACTI's typical figure).
    bankPeripheryArea: num(0.01, 'periphery area per bank in mm^2 (sets the H-tree length)', { min: 0 }),
  },
  buffer: {
    // The operand-buffer level between SRAM and the lanes: one shared buffer that keeps the operands
    // a mapping re-uses. 0: no buffer (the machine before issue 14: every re-use re-reads SRAM).
    // 16 KiB in 4 banks of 4 KiB (the bank size of the earlier 4 KiB default, so a bank access costs
    // what it did): the smallest buffer that holds the default run's layer-0 tiles (its SRAM reads
    // fall to 1.09x the compulsory minimum under the energy objective) and, of 4-64 KiB x 1-16 banks,
    // among the cheapest for R2 and B1; measured in docs/HARDWARE.md ("Banked operand buffer").
    capacity: quantity(
      'bit',
      '16 KiB',
      'operand buffer capacity between SRAM and the lanes (0: none; else at least one word)',
      { min: 0 },
    ),
    wordWidth: quantity('bit', '64 b', 'bits per operand-buffer access', { min: 0, exclusiveMin: true }),
    // Assumption: one read and one write per cycle (banks add no bandwidth: the lanes read one operand
    // stream at a time).
    ports: int(2, 'operand-buffer accesses per cycle', { min: 1 }),
    // Banks (as the SRAM's): an access costs a bank's energy (the law below at capacity / banks) plus
    // the H-tree from the buffer's port to the bank (sram.wireEnergy, sram.cellArea,
    // sram.bankPeripheryArea), so a big buffer of small banks is cheaper per access than one big bank
    // (CACTI's banked arrays). 1: one bank, no H-tree term (the machine before).
    banks: int(4, 'operand-buffer banks (energy per access by bank size plus H-tree wiring)', { min: 1 }),
    // Accelergy's 45 nm energy reference table (as quoted in issue 14): a 384 B SRAM buffer costs
    // 0.68 pJ per read and 1.58 pJ per write; assumed 16-bit accesses (Accelergy's Eyeriss example).
    readEnergy: quantity('J', '0.68 pJ', 'operand-buffer read energy at referenceSize and referenceWordWidth', {
      min: 0,
    }),
    writeEnergy: quantity('J', '1.58 pJ', 'operand-buffer write energy at referenceSize and referenceWordWidth', {
      min: 0,
    }),
    referenceSize: quantity('bit', '384 B', 'buffer size at which readEnergy/writeEnergy are given', {
      min: 0,
      exclusiveMin: true,
    }),
    referenceWordWidth: quantity('bit', '16 b', 'access width at which readEnergy/writeEnergy are given', {
      min: 0,
      exclusiveMin: true,
    }),
    // The SRAM's law (Horowitz's 8 KB and 1 MB points) applied to the buffer's size.
    energyExponent: num(0.4746, 'buffer energy per access scales with (capacity / referenceSize)^energyExponent', {
      min: 0,
    }),
  },
  registerFile: {
    // Per-lane register files (issue 14): each lane keeps a register tile of partial sums, so one pass
    // computes several outputs per lane and re-uses each streamed operand word for all of them.
    // 16 words of 32 bits per lane (64 B; 4 KiB over 64 lanes): between Eyeriss's 24 x 16-bit
    // partial-sum scratchpad per PE (48 B; Chen et al., ISCA 2016) and its 224 x 16-bit filter
    // scratchpad; docs/HARDWARE.md says why. 0: none (the lone accumulator, the machine before).
    // At most 512 words: the access energy below is a small register file's and does not grow with
    // size, so a bigger "register file" would be priced as if free; larger stores are hardware.buffer.
    words: int(16, 'register-file words per lane for partial sums (0: none, the lone accumulator)', {
      min: 0,
      max: 512,
    }),
    // 32 bits: one partial sum of the default 32-bit accumulator per word.
    wordWidth: quantity('bit', '32 b', 'bits per register-file word', { min: 0, exclusiveMin: true }),
    // Accelergy's 45 nm energy reference table (as quoted in issue 14): a 16-bit register read costs
    // 0.144 pJ; scaled linearly with the word width.
    readEnergy: quantity('J', '0.144 pJ', 'register-file read energy per referenceWordWidth bits', { min: 0 }),
    // Assumption: a register write costs as much as a read (Accelergy's table quoted gives the read).
    writeEnergy: quantity('J', '0.144 pJ', 'register-file write energy per referenceWordWidth bits', { min: 0 }),
    referenceWordWidth: quantity('bit', '16 b', 'access width at which readEnergy/writeEnergy are given', {
      min: 0,
      exclusiveMin: true,
    }),
  },
  dram: {
    // The device model (docs/DRAM.md): energies per burst, activation, refresh and background power
    // by state from the part's datasheet currents, as DRAMSim3 computes them. per-bit: the flat
    // readEnergyPerBit / writeEnergyPerBit model (kept for comparison; no background, no refresh).
    model: oneOf(
      ['device', 'per-bit'] as const,
      'device',
      'device: energies and timing from the part (hardware.dram.part); per-bit: flat pJ/bit, no background or refresh',
    ),
    // One x32 LPDDR3-1600 device: the DRAM of a phone-class or wearable SoC (docs/HARDWARE.md says why).
    part: oneOf(
      ['lpddr3-1600', 'lpddr4-2400', 'ddr4-3200', 'ddr3-1600'] as const,
      'lpddr3-1600',
      'DRAM part (geometry, timing, currents from DRAMSim3 configs; docs/DRAM.md)',
    ),
    // DRAMSim3's default mapping: a burst's address bits are row, channel, rank, bank, bank group, column.
    addressMapping: str('rochrababgco', 'address bit fields from MSB to LSB, DRAMSim3 style (ch ra bg ba ro co)'),
    // Power-down after a short idle timer: a sensing device's DRAM waits for the next sample load.
    powerDown: oneOf(
      ['standby', 'power-down', 'self-refresh'] as const,
      'power-down',
      'power-state policy while the DRAM is idle: standby, precharge power-down, or power-down then self-refresh',
    ),
    // 16 DRAM clocks (20 ns at LPDDR3-1600): a short controller idle timer (assumption; at least tCKE).
    powerDownAfter: int(16, 'idle DRAM clocks before precharge power-down', { min: 0 }),
    // 80,000 DRAM clocks = 100 us at 800 MHz (assumption): only idle stretches longer than that sleep.
    selfRefreshAfter: int(80000, 'idle DRAM clocks before self-refresh (powerDown = self-refresh)', { min: 0 }),
    // 32-bit LPDDR data bus (a x32 LPDDR3/LPDDR4 device; DRAMSim3 configs/LPDDR3_8Gb_x32_1600.ini).
    busWidth: quantity('bit', '32 b', 'DRAM data bus width', { min: 0, exclusiveMin: true }),
    // Double data rate: two transfers per DRAM clock (JEDEC LPDDR3/LPDDR4).
    dataRate: int(2, 'transfers per DRAM clock (DDR: 2; the device model is always DDR)', { min: 1 }),
    // 800 MHz DRAM clock (LPDDR-1600, tCK = 1.25 ns in DRAMSim3's LPDDR3_8Gb_x32_1600.ini) / 100 MHz.
    // Device model: 1 / (tCK x clock) of the part instead (8 for LPDDR3-1600 at 100 MHz).
    clockRatio: num(8, 'DRAM clock / accelerator clock (per-bit model; the device model takes 1 / (tCK x clock))', {
      min: 0,
      exclusiveMin: true,
    }),
    // 64 B: the transaction size of DRAMSim3's LPDDR3 x32 config (bus_width 64 x BL 8) and a cache line.
    burst: quantity('bit', '64 B', 'bytes per DRAM burst (access granularity; a multiple of 8 bits)', {
      min: 0,
      exclusiveMin: true,
    }),
    // Assumption: controller + PHY + tRCD + CL of a mobile LPDDR memory system, about 100 ns to first data.
    latency: quantity('s', '100 ns', 'latency of a DRAM access (first data), exposed once per operation', { min: 0 }),
    // 8 pJ/bit: Accelergy's CACTI plug-in LPDDR4 figure (SPEC section 2).
    readEnergyPerBit: quantity('J', '8 pJ', 'DRAM read energy per bit (per-bit model)', { min: 0 }),
    writeEnergyPerBit: quantity('J', '8 pJ', 'DRAM write energy per bit (per-bit model)', { min: 0 }),
    // 4 KiB rows: 1024 columns x 32 bits (DRAMSim3 LPDDR3_8Gb_x32_1600.ini).
    rowSize: quantity(
      'bit',
      '4 KiB',
      'DRAM row (page) size per rank (per-bit model; the device model takes columns x bus width)',
      { min: 0, exclusiveMin: true },
    ),
    // 0: activation energy is folded into the per-bit energy (as in the 8 pJ/bit figure).
    activationEnergy: quantity(
      'J',
      '0 pJ',
      'energy per DRAM row activation (per-bit model; 0: folded into per-bit energy)',
      { min: 0 },
    ),
  },
  mac: {
    // 64 lanes (assumption): one SRAM word of sign bits feeds the whole array.
    lanes: int(64, 'MAC lanes of the bit-serial array', { min: 1 }),
    serialOperand: oneOf(
      ['weight', 'activation'] as const,
      'weight',
      'operand fed bit-serially: weight (sign weights take 1 step per MAC) or activation (steps = activation/error ' +
        'bits)',
    ),
    // 1 bit per cycle: a classic bit-serial lane (e.g. Stripes, Judd et al., MICRO 2016).
    bitsPerCycle: int(1, 'bits of the serial operand consumed per cycle', { min: 1 }),
    // 32 bits: the model's default accumulator width (model.accumulatorBits must not exceed it).
    accumulatorBits: int(32, 'accumulator width of a lane', { min: 8, max: 64 }),
    // Horowitz ISSCC 2014, 45 nm: 32-bit integer add 0.1 pJ. A lane-step is one add/subtract of the
    // accumulator width per bit consumed; scaled linearly with accumulatorBits and bitsPerCycle.
    stepEnergy: quantity('J', '0.1 pJ', 'energy of one lane-step (one 32-bit add/subtract)', { min: 0 }),
  },
  policy: {
    frozen: oneOf(
      ['recompute', 'cache'] as const,
      'recompute',
      'recompute: frozen sub-networks are re-run in every forward pass (the paper); cache: their summed output ' +
        'contributions are kept per sample (SRAM if room, else DRAM)',
    ),
    overlap: bool(
      true,
      'double-buffering: compute, SRAM and DRAM overlap (cycles = max of bounds) instead of adding up',
    ),
    // Double-buffered input (issue 14): a second input and label buffer in SRAM lets the next batch's
    // load run under the current batch's compute. auto: on when both fit in the SRAM left after every
    // other tensor is placed whole (docs/HARDWARE.md, section 5).
    prefetch: oneOf(
      ['auto', 'off'] as const,
      'auto',
      'auto: prefetch the next batch under the current one when a second input/label buffer fits in SRAM; ' +
        'off: never',
    ),
    objective: oneOf(
      ['energy', 'cycles', 'edp', 'dram', 'sram-reads'] as const,
      'energy',
      'what the mapper minimises per matmul/gradient shape: energy (incl. leakage), cycles, edp (energy x cycles), ' +
        'dram (DRAM bursts first) or sram-reads (DRAM bursts, then SRAM reads, then energy)',
    ),
    gradients: oneOf(
      ['fused', 'sram', 'dram'] as const,
      'fused',
      'where weight gradients accumulate: fused (in the lanes; each finished gradient tile updates its weights at ' +
        'once), sram (a gradient buffer in SRAM if room, else DRAM), dram',
    ),
  },
} as const;
