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

/** Direction switches of a burst sequence and its writes (for busyClocks). */
export interface BusTurns {
  readToWrite: number;
  writeToRead: number;
  writes: number;
}

const NO_TURNS: BusTurns = { readToWrite: 0, writeToRead: 0, writes: 0 };

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
  /**
   * DRAM clocks a refresh stops a streaming bus (0 in the per-bit model), as DRAMSim3 issues its
   * commands (src/command_queue.cc FinishRefresh, channel_state.cc GetReadyCommand): one
   * precharge per open bank, one command a clock, from the clock the refresh is due; tRP later
   * the refresh, tRFC later the activation of the row in use, tRCD later its next burst. Open
   * then: the banks a stream at full bandwidth has touched since the previous refresh closed
   * them (one per row, plus the one in use), at most all banks. The precharges overlap the burst
   * on the bus when the refresh falls due: half a burst on average.
   */
  readonly refreshStall: number;
  /**
   * Bus clocks beyond a burst that a switch costs (DRAMSim3 src/timing.cc, JEDEC): reads to
   * writes read_to_write = RL + BL/2 - WL + tRTRS, writes to reads write_to_read = WL + BL/2 +
   * tWTR_L.
   */
  readonly readToWrite: number;
  readonly writeToRead: number;
  /**
   * Clocks a refresh after a write stops the bus beyond refreshStall. The written bank may be
   * precharged only WL + BL/2 + tWR after the write command (timing.cc write_to_precharge), that
   * is CWL + tWR after the bus would have started the next burst; the other banks' precharges,
   * one a clock, go in that time. So after a write the refresh comes tRP after those CWL + tWR
   * clocks instead of after the precharges (refreshStall): CWL + tWR - precharges more (21 - 2.27
   * = 18.73 on the default part: 219.0 clocks in all, DRAMSim3's gap after a write, docs/DRAM.md).
   */
  readonly writeRecovery: number;
  /** Clocks from a read, a write command to a precharge of its bank: AL + tRTP; WL + BL/2 + tWR. */
  readonly readToPrecharge: number;
  readonly writeToPrecharge: number;
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
          `hardware.dram.burst: ${d.burst} bits over a ${d.busWidth}-bit bus is ${BL} transfers; ` +
            `the device model needs a power of two from 2 to ${part.columns}`,
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
      const openBanks = Math.min(this.map.banks, 1 + (part.tREFI - part.tRFC) / this.burstClocks / (part.columns / BL));
      const precharges = Math.max(0, openBanks - 1 - (this.burstClocks - 1) / 2);
      this.refreshStall = part.tRP + part.tRFC + part.tRCD + precharges;
      this.readToWrite = Math.max(0, part.CL - part.CWL + part.tRTRS);
      this.writeToRead = part.CWL + part.tWTR_L;
      this.writeRecovery = Math.max(0, part.CWL + part.tWR - precharges);
      this.readToPrecharge = part.tRTP;
      this.writeToPrecharge = part.CWL + BL / 2 + part.tWR;
    } else {
      this.devices = Math.max(1, d.busWidth / part.deviceWidth);
      this.rowBits = d.rowSize;
      this.clockRatio = d.clockRatio;
      this.burstClocks = d.burst / (d.busWidth * d.dataRate);
      this.refreshStall = 0;
      this.readToWrite = 0;
      this.writeToRead = 0;
      this.writeRecovery = 0;
      this.readToPrecharge = 0;
      this.writeToPrecharge = 0;
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
   * device model, refresh: of every tREFI clocks, refreshStall are lost to the refresh (the
   * re-opened rows' activations: sim/dram/plan-costs.ts). Per-bit model: transfer time only.
   */
  busyClocks(bursts: number, conflicts: number, turns: BusTurns = NO_TURNS): { busy: number; refreshes: number } {
    if (bursts <= 0) return { busy: 0, refreshes: 0 };
    const transfer = bursts * this.burstClocks;
    if (this.model !== 'device') return { busy: transfer, refreshes: 0 };
    const p = this.part;
    const work =
      transfer +
      conflicts * (p.tRP + p.tRCD) +
      turns.readToWrite * this.readToWrite +
      turns.writeToRead * this.writeToRead;
    const stall = this.refreshStall + (Math.min(turns.writes, bursts) / bursts) * this.writeRecovery;
    const refreshes = work / (p.tREFI - stall);
    return { busy: work + refreshes * stall, refreshes };
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
