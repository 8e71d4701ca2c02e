/**
 * The off-chip DRAM: a port of `busWidth` bits moving bursts of `burstBits`, and behind it either
 * a real part (model = device: geometry, timing and currents of hardware.dram.part, see
 * sim/dram/presets.ts and docs/DRAM.md) or the flat per-bit model. Both count activations with
 * open-page row buffers over the address map (sim/dram/). It counts what an access pattern costs;
 * energies per action live in the energy table (sim/energy-table.ts).
 */
import type { HardwareConfig } from '../../config/schema.js';
import { UserError } from '../../config/errors.js';
import { AddressMap } from '../dram/address-map.js';
import { PARTS, type DramPart } from '../dram/presets.js';
import { RowBuffers } from '../dram/row-buffer.js';
import { idleStates, type PowerSettings, type StateClocks } from '../dram/power.js';

/** Energies of one device action (J) and background power per state (J per DRAM clock), per rank. */
export interface DeviceEnergies {
  readBurst: number;
  writeBurst: number;
  activation: number;
  refresh: number;
  activeStandby: number;
  prechargeStandby: number;
  powerDown: number;
  selfRefresh: number;
}

export class Dram {
  readonly model: 'device' | 'per-bit';
  readonly part: DramPart;
  readonly busWidth: number;
  readonly burstBits: number;
  readonly burstBytes: number;
  /** Burst length in bus transfers (burstBits / busWidth). */
  readonly burstLength: number;
  /** Devices per rank (busWidth / device width). */
  readonly devices: number;
  /** Row (page) size of a rank in bits. */
  readonly rowBits: number;
  /** DRAM clocks per accelerator cycle. */
  readonly clockRatio: number;
  /** DRAM clocks one burst occupies the data bus. */
  readonly burstClocks: number;
  /** Accelerator cycles one burst occupies the bus (may be fractional). */
  readonly cyclesPerBurst: number;
  /** Latency to first data in accelerator cycles (rounded up). */
  readonly latencyCycles: number;
  readonly map: AddressMap;
  readonly power: PowerSettings;
  /** Device energies (J); all zero under the per-bit model. */
  readonly energies: DeviceEnergies;

  constructor(hw: HardwareConfig) {
    const d = hw.dram;
    if (d.burst % 8 !== 0)
      throw new UserError(`hardware.dram.burst: expected a whole number of bytes, got ${d.burst} bits`);
    if (d.busWidth % 8 !== 0)
      throw new UserError(`hardware.dram.busWidth: expected a whole number of bytes, got ${d.busWidth} bits`);
    const part = PARTS[d.part];
    this.model = d.model;
    this.part = part;
    this.busWidth = d.busWidth;
    this.burstBits = d.burst;
    this.burstBytes = d.burst / 8;
    this.burstLength = d.burst / d.busWidth;
    this.power = { policy: d.powerDown, after: d.powerDownAfter, selfAfter: d.selfRefreshAfter };
    const banks = {
      channels: 1,
      ranks: 1,
      bankGroups: part.bankGroups,
      banksPerGroup: part.banksPerGroup,
      rows: part.rows,
    };
    const mapping = d.addressMapping ?? 'rochrababgco';
    if (d.model === 'device') {
      const BL = this.burstLength;
      if (d.busWidth % part.deviceWidth !== 0) {
        throw new UserError(
          `hardware.dram.busWidth: ${d.busWidth} bits is not a whole number of x${part.deviceWidth} ${d.part} devices`,
        );
      }
      if (!Number.isInteger(BL) || BL < 2 || 2 ** Math.round(Math.log2(BL)) !== BL || BL > part.columns) {
        throw new UserError(
          `hardware.dram.burst: ${d.burst} bits over a ${d.busWidth}-bit bus is ${BL} transfers; the device model needs a power of two from 2 to ${part.columns}`,
        );
      }
      this.devices = d.busWidth / part.deviceWidth;
      this.rowBits = part.columns * d.busWidth;
      // 1e9 / (tCK x clock): exactly 8 for 1.25 ns at 100 MHz (1 / (1.25e-9 x 1e8) is not).
      this.clockRatio = 1e9 / (part.tCK * hw.clock);
      // DRAMSim3: burst_cycle = BL / 2 for DDR3, DDR4, LPDDR3, LPDDR4.
      this.burstClocks = BL / 2;
      this.map = new AddressMap(mapping, { ...banks, burstsPerRow: part.columns / BL });
      this.energies = deviceEnergies(part, this.devices, BL / 2);
    } else {
      this.devices = Math.max(1, d.busWidth / part.deviceWidth);
      this.rowBits = d.rowSize;
      this.clockRatio = d.clockRatio;
      this.burstClocks = d.burst / (d.busWidth * d.dataRate);
      if (d.rowSize % d.burst !== 0)
        throw new UserError(`hardware.dram.rowSize: ${d.rowSize} bits is not a whole number of ${d.burst}-bit bursts`);
      this.map = new AddressMap(
        mapping,
        { ...banks, burstsPerRow: d.rowSize / d.burst },
        'hardware.dram.rowSize / addressMapping',
      );
      this.energies = {
        readBurst: 0,
        writeBurst: 0,
        activation: 0,
        refresh: 0,
        activeStandby: 0,
        prechargeStandby: 0,
        powerDown: 0,
        selfRefresh: 0,
      };
    }
    this.cyclesPerBurst = this.burstClocks / this.clockRatio;
    this.latencyCycles = Math.ceil(d.latency * hw.clock - 1e-9);
  }

  /** Bursts an access to bits [startBit, startBit + bits) touches (0 when bits = 0). */
  burstsTouched(startBit: number, bits: number): number {
    if (bits <= 0) return 0;
    const b = this.burstBits;
    return Math.floor((startBit + bits - 1) / b) - Math.floor(startBit / b) + 1;
  }

  /** Fresh row buffers (all banks precharged). */
  rowBuffers(): RowBuffers {
    return new RowBuffers(this.map);
  }

  /**
   * DRAM clocks the device is busy serving `bursts` bursts with `conflicts` back-to-back row
   * conflicts (tRP + tRCD each; other row misses hide behind other banks' transfers) and, in the
   * device model, refresh: every tREFI - tRFC clocks of work lose tRFC to a refresh and tRCD to
   * re-opening the rows it closed (their activations: sim/dram/plan-costs.ts). Per-bit model:
   * transfer time only.
   */
  busyClocks(bursts: number, conflicts: number): { busy: number; refreshes: number } {
    if (bursts <= 0) return { busy: 0, refreshes: 0 };
    const transfer = bursts * this.burstClocks;
    if (this.model !== 'device') return { busy: transfer, refreshes: 0 };
    const p = this.part;
    const work = transfer + conflicts * (p.tRP + p.tRCD);
    const refreshes = work / (p.tREFI - p.tRFC);
    return { busy: work + refreshes * (p.tRFC + p.tRCD), refreshes };
  }

  /** Accelerator cycles of the port for `busy` DRAM clocks: the time plus the latency to first data, exposed once. */
  cycles(busy: number): number {
    if (busy <= 0) return 0;
    return Math.ceil(busy / this.clockRatio - 1e-9) + this.latencyCycles;
  }

  /** State clocks of an idle stretch (see sim/dram/power.ts). */
  idle(idleClocks: number, opened: boolean): StateClocks {
    return idleStates(idleClocks, opened, this.power, this.part);
  }
}

/** DRAMSim3's power model (src/configuration.cc, InitPowerParams): V x mA x clocks x tCK ns = pJ. */
export function deviceEnergies(p: DramPart, devices: number, burstCycle: number): DeviceEnergies {
  const pj = (mA: number, clocks: number): number => p.VDD * mA * clocks * devices * p.tCK * 1e-12;
  const tRC = p.tRAS + p.tRP;
  return {
    readBurst: pj(p.IDD4R - p.IDD3N, burstCycle),
    writeBurst: pj(p.IDD4W - p.IDD3N, burstCycle),
    activation: p.VDD * (p.IDD0 * tRC - (p.IDD3N * p.tRAS + p.IDD2N * p.tRP)) * devices * p.tCK * 1e-12,
    refresh: pj(p.IDD5AB - p.IDD3N, p.tRFC),
    activeStandby: pj(p.IDD3N, 1),
    prechargeStandby: pj(p.IDD2N, 1),
    powerDown: pj(p.IDD2P, 1),
    selfRefresh: pj(p.IDD6x, 1),
  };
}
