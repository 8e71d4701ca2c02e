/**
 * A tiny accelerator and network whose every count, cycle and joule is worked out by hand
 * below, then matched exactly by the simulator.
 *
 * HARDWARE
 *   clock 100 MHz (10 ns per cycle)
 *   SRAM: 2 banks x 7 words x 16 bits = 224 bits; word w is in bank w mod 2 and holds bits
 *         [16w, 16w+16). Energies are given at this very bank size and width, so the scaling
 *         law's factor is 1: read 2 pJ, write 3 pJ per word. Leakage 1 pW/bit x 224 bits = 224 pW.
 *   DRAM: 16-bit bus, 2 transfers per clock, DRAM clock = accelerator clock, 8-byte (64-bit)
 *         bursts: 64 / (16 x 2 x 1) = 2 cycles per burst; latency 30 ns = 3 cycles once per op;
 *         1 pJ/bit read (64 pJ a burst), 2 pJ/bit write (128 pJ a burst), 5 pJ per activation
 *         (the per-bit model: no background, no refresh), rows of 64 B (8 bursts), open page,
 *         the default part's 8 banks and rochrababgco mapping: burst b is in bank (b div 8) mod 8,
 *         row b div 64, so every DRAM address below (bursts 0..8) is row 0 of bank 0 (bursts 0..7)
 *         or bank 1 (burst 8). Each operation chunk starts with all banks precharged.
 *   MAC:  4 lanes, serial weight, 1 bit/cycle, 16-bit accumulators: a lane-step costs
 *         0.1 pJ x 16/32 = 0.05 pJ.
 *   Policies: recompute, overlap (cycles = max of bounds), fused gradients, energy mapper.
 *
 * NETWORK: conventional 4-3-2, 4-bit weights (W0 = 4x3 + 3x2 = 18 slots), activations 4 bits,
 *   errors 8 bits, accumulators 16 bits; batch 2; 2 training, 2 validation, 2 test samples;
 *   1 epoch. DRAM records: 4 pixels x 8 bits + 8-bit label = 40 bits, padded to one burst.
 *
 * MEMORY MAP (priority order; words in brackets; bank = word mod 2)
 *   labels          2 x 8 = 16 b          SRAM bits   0..15   [0]
 *   weights.p0      18 b                  SRAM bits  16..33   [1, 2]   (layer 1 starts at bit 12)
 *   errors.out      2 x 2 x 8 = 32 b      SRAM bits  48..79   [3, 4]
 *   activations.h1  2 x 3 x 4 = 24 b      SRAM bits  80..103  [5, 6]
 *   errors.h1       2 x 3 x 8 = 48 b      SRAM bits 112..159  [7, 8, 9]
 *   logits          1 x 2 x 2 x 16 = 64 b SRAM bits 160..223  [10..13]  -> SRAM full (224 b)
 *   input           rows of 4 x 4 = 16 b: no room -> closes the SRAM; rows read from DRAM records
 *   weights.p1..p3  DRAM bits 384, 448, 512 (after dataset.train 0, .validation 128, .test 256)
 *
 * THE TRAINING BATCH (the mapper picks the cheapest lane grid: Tc columns x Ts samples/rows)
 *   A load train     labels from records: bursts of bits 32..39 and 96..103: 2 bursts (0, 1), 1 activation;
 *                    write labels [0]: 1 write (b0). Cycles: DRAM 2x2+3 = 7, SRAM 1 -> 7.
 *   B matmul L0      R4 C3: Tc=3, Ts=1 -> 2 sample groups, 1 column tile. Weights bits 16..27 = [1]
 *                    read twice (b1: 2). Input rows from DRAM records: 2 bursts (0, 1), 1 activation, once.
 *                    24 MACs x 1 step = 24 lane-steps; compute 2 x 1 x 4 rows = 8; DRAM 7; SRAM 2 -> 8.
 *                    (Tc=2 reads the records twice: 279.2 pJ against 143.2 pJ.)
 *   C activation     write activations [5, 6]: 2 writes (b1, b0); 6 elements x 1 step; ceil(6/4) = 2 cycles.
 *   D matmul L1      R3 C2: Tc=2, Ts=2. Weights bits 28..33 = [1, 2], activations [5, 6], write
 *                    logits [10..13]: 4 reads (2, 2), 4 writes (2, 2); 12 lane-steps; compute 3;
 *                    busiest bank 4 -> 4.
 *   E softmax-error  read logits [10..13] + labels [0] (b0 3, b1 2), write errors.out [3, 4];
 *                    4 elements x (1 + 8) steps = 36; compute 9; SRAM 4 -> 9.
 *   F backward L1    Tc=2: weights [1, 2], errors.out [3, 4] (reads 2, 2), write errors.h1 [7, 8, 9]
 *                    (b0 1, b1 2); 12 lane-steps; compute 3; bank 1 has 4 -> 4.
 *   G act-derivative read errors.h1 [7,8,9] + activations [5,6] (b0 2, b1 3), write [7,8,9];
 *                    6 elements x 4 steps (4-bit activations) = 24; compute 2 x 4 = 8; SRAM 5 -> 8.
 *   H gradient L0    Tc=3, Tr=1: input records once (2 bursts, 1 activation), errors.h1 read 4
 *                    times (12 reads: b0 4, b1 8); 24 MACs x 4 steps = 96; compute 4 x 1 x 2 x 4 = 32 -> 32.
 *   I gradient L1    Tc=2, Tr=2: activations once + errors.out twice = 6 reads (3, 3); 48 steps;
 *                    compute 2 x 1 x 2 x 4 = 16 -> 16. (Tc=1 ties on everything; the wider grid is kept.)
 *   J update L0      planes 0..3 of weights 0..11: p0 [1] read + write (b1); p1, p2, p3 one burst
 *                    each read and written (6 bursts of bursts 6, 7 (bank 0) and 8 (bank 1):
 *                    2 activations); 12 x 4 steps = 48;
 *                    compute 3 x 4 = 12; DRAM 6 x 2 + 3 = 15 -> 15.
 *   K update L1      weights 12..17: p0 [1, 2] read + write; p1..p3 6 bursts (6, 7, 8), 2 activations;
 *                    24 steps; compute 2 x 4 = 8; DRAM 15 -> 15.
 * EACH EVALUATION PASS (validation at epoch 1, test at epoch 2): load (as A), matmul L0 (as B),
 *   activation (as C), matmul L1 (as D), argmax: read logits + labels (b0 3, b1 2), 4 steps, 1
 *   cycle, SRAM 3 -> 3. Pass: 7 + 8 + 2 + 4 + 3 = 24 cycles.
 *
 * TOTALS
 *   SRAM reads  41 (b0 17, b1 24) + 2 x 11 (b0 5, b1 6)   = 63 (b0 27, b1 36)
 *   SRAM writes 18 (b0 8, b1 10)  + 2 x 7  (b0 4, b1 3)   = 32 (b0 16, b1 16)
 *   DRAM read bursts 12 + 2 x 4 = 20; write bursts 6; activations 7 + 2 x 2 = 11 (validation
 *   records: bursts 2, 3; test: 4, 5)
 *   lane-steps 330 + 2 x 46 = 422 (1 bit per step: 422 bits stepped)
 *   compulsory SRAM reads (every operand range once): B's weights once (-1, in the batch and both
 *           passes), H's errors.h1 once (-9), I's errors.out once (-2): 63 - 3 - 9 - 2 = 49
 *   cycles: compute 101 + 2 x 14 = 129, SRAM 36 + 2 x 11 = 58, DRAM 51 + 2 x 14 = 79,
 *           total 120 + 2 x 24 = 168 (1.68 us)
 *   energy: 63 x 2 + 32 x 3 + 20 x 64 + 6 x 128 + 11 x 5 + 422 x 0.05 = 2346.1 pJ dynamic,
 *           + leakage 224 pW x 1.68 us = 3.7632e-16 J
 */
import { describe, expect, it } from 'vitest';
import type { CostedOp } from '../../model/ops.js';
import { enumerateSchedule } from '../../trainer/schedule.js';
import { Simulator } from '../../sim/simulator.js';
import { tap } from './helpers.js';
import { tiny } from './tiny.js';

/**
 * Per-op expectations of the training batch, in stream order: [label, reads, writes, dramRead, dramWrite,
 * activations, steps, compute, sram, dram, cycles].
 */
const trainBatch: Array<[string, number, number, number, number, number, number, number, number, number, number]> = [
  ['A load', 0, 1, 2, 0, 1, 0, 0, 1, 7, 7],
  ['B matmul L0', 2, 0, 2, 0, 1, 24, 8, 2, 7, 8],
  ['C activation', 0, 2, 0, 0, 0, 6, 2, 1, 0, 2],
  ['D matmul L1', 4, 4, 0, 0, 0, 12, 3, 4, 0, 4],
  ['E softmax-error', 5, 2, 0, 0, 0, 36, 9, 4, 0, 9],
  ['F backward L1', 4, 3, 0, 0, 0, 12, 3, 4, 0, 4],
  ['G activation-derivative', 5, 3, 0, 0, 0, 24, 8, 5, 0, 8],
  ['H gradient L0', 12, 0, 2, 0, 1, 96, 32, 8, 7, 32],
  ['I gradient L1', 6, 0, 0, 0, 0, 48, 16, 3, 0, 16],
  ['J update L0', 1, 1, 3, 3, 2, 48, 12, 2, 15, 15],
  ['K update L1', 2, 2, 3, 3, 2, 24, 8, 2, 15, 15],
];
const evalPass: typeof trainBatch = [
  ['load', 0, 1, 2, 0, 1, 0, 0, 1, 7, 7],
  ['matmul L0', 2, 0, 2, 0, 1, 24, 8, 2, 7, 8],
  ['activation', 0, 2, 0, 0, 0, 6, 2, 1, 0, 2],
  ['matmul L1', 4, 4, 0, 0, 0, 12, 3, 4, 0, 4],
  ['argmax', 5, 0, 0, 0, 0, 4, 1, 3, 0, 3],
];

describe('hand-checked tiny accelerator (2 banks, 4 lanes, 4-3-2 network)', () => {
  it('places the tensors at the addresses worked out by hand', () => {
    const sim = new Simulator(tiny());
    enumerateSchedule(tiny(), sim);
    const placed = Object.fromEntries(sim.report().placement.tensors.map((t) => [t.name, t]));
    expect(placed['labels']).toMatchObject({ location: 'sram', sramAddress: 0 });
    expect(placed['weights.p0']).toMatchObject({ location: 'sram', sramAddress: 2 });
    expect(placed['errors.out']).toMatchObject({ location: 'sram', sramAddress: 6 });
    expect(placed['activations.h1']).toMatchObject({ location: 'sram', sramAddress: 10 });
    expect(placed['errors.h1']).toMatchObject({ location: 'sram', sramAddress: 14 });
    expect(placed['logits']).toMatchObject({ location: 'sram', sramAddress: 20 });
    expect(placed['input']).toMatchObject({ location: 'dram', sramAddress: null, dramAddress: null });
    expect(placed['weights.p1']).toMatchObject({ location: 'dram', dramAddress: 384 / 8 });
    expect(placed['weights.p2']).toMatchObject({ location: 'dram', dramAddress: 448 / 8 });
    expect(placed['weights.p3']).toMatchObject({ location: 'dram', dramAddress: 512 / 8 });
    expect(sim.report().placement.sramUsedBits).toBe(224);
  });

  it('costs every operation as worked out by hand', () => {
    const cfg = tiny();
    const sim = new Simulator(cfg);
    const seen: Array<{ op: CostedOp; c: ReturnType<Simulator['costOf']> }> = [];
    enumerateSchedule(
      cfg,
      tap(sim, (op) => seen.push({ op, c: sim.costOf(op) })),
    );
    const expected = [...trainBatch, ...evalPass, ...evalPass];
    expect(seen.length).toBe(expected.length);
    seen.forEach(({ c }, i) => {
      const [label, reads, writes, dr, dw, act, steps, compute, sram, dram, cycles] = expected[i]!;
      expect({
        label,
        reads: c.counts.sramReads,
        writes: c.counts.sramWrites,
        dr: c.counts.dramReadBursts,
        dw: c.counts.dramWriteBursts,
        act: c.counts.dramActivations,
        steps: c.counts.macSteps,
        compute: c.cycles.compute,
        sram: c.cycles.sram,
        dram: c.cycles.dram,
        cycles: c.cycles.total,
      }).toEqual({ label, reads, writes, dr, dw, act, steps, compute, sram, dram, cycles });
    });
  });

  it('adds up to the hand-computed totals, cycles and energy', () => {
    const cfg = tiny();
    const sim = new Simulator(cfg);
    enumerateSchedule(cfg, sim);
    const t = sim.report().total;
    expect(t.counts).toEqual({
      sramReads: 63,
      sramWrites: 32,
      sramReadsPerBank: [27, 36],
      sramWritesPerBank: [16, 16],
      dramReadBursts: 20,
      dramWriteBursts: 6,
      dramReadBytes: 160,
      dramWriteBytes: 48,
      dramActivations: 11,
      dram: { rowChanges: 11, conflicts: 0, reopens: 0, refreshes: 0, powerDownExits: 0, selfRefreshExits: 0 },
      macSteps: 422,
      macBits: 422,
      bufferReads: 0,
      bufferWrites: 0,
      regReads: 0,
      regWrites: 0,
      sramReadsMinimum: 49,
    });
    expect(t.cycles).toEqual({ compute: 129, sram: 58, buffer: 0, dram: 79, total: 168 });
    expect(t.samples).toEqual({ train: 2, evaluate: 4 });
    expect(t.seconds).toBeCloseTo(1.68e-6, 15);
    const e = t.energy.byAction;
    expect(e['sram.read']).toBeCloseTo(126e-12, 20);
    expect(e['sram.write']).toBeCloseTo(96e-12, 20);
    expect(e['dram.read']).toBeCloseTo(1280e-12, 20);
    expect(e['dram.write']).toBeCloseTo(768e-12, 20);
    expect(e['dram.activate']).toBeCloseTo(55e-12, 20);
    expect(e['mac.step']).toBeCloseTo(21.1e-12, 20);
    expect(e['sram.leakage']).toBeCloseTo(3.7632e-16, 24);
    expect(t.energy.dynamic).toBeCloseTo(2346.1e-12, 20);
    expect(t.energy.background).toBe(0);
    expect(t.energy.total).toBeCloseTo(2346.1e-12 + 3.7632e-16, 20);
    expect(sim.report().energyPerTrainingSample).toBeCloseTo((2346.1e-12 + 3.7632e-16) / 2, 20);
  });

  it('without overlap, an operation takes the sum of its bounds: 129 + 58 + 79 = 266 cycles', () => {
    const cfg = tiny({ 'hardware.policy.overlap': false });
    const sim = new Simulator(cfg);
    enumerateSchedule(cfg, sim);
    expect(sim.report().total.cycles).toEqual({ compute: 129, sram: 58, buffer: 0, dram: 79, total: 266 });
  });

  it('splits the run by phase: the two updates are all the DRAM writes', () => {
    const cfg = tiny();
    const sim = new Simulator(cfg);
    enumerateSchedule(cfg, sim);
    const r = sim.report();
    expect(r.byPhase.update.counts.dramWriteBursts).toBe(6);
    expect(r.byPhase.update.cycles.total).toBe(30);
    expect(r.byPhase.load.cycles.total).toBe(21);
    expect(r.byPhase.evaluate.cycles.total).toBe(2 * (8 + 2 + 4 + 3));
    expect(r.byIteration.map((i) => i.iteration)).toEqual([1]);
    expect(r.byIteration[0]!.energy.total).toBeCloseTo(r.total.energy.total, 20);
  });
});
