/**
 * DRAM parts: geometry, timing (DRAM clocks of tCK ns) and datasheet currents (mA), copied from
 * DRAMSim3's configs (umd-memsys/DRAMSim3 commit 2981759, 2021-04-05, MIT licence; the four files
 * are in shared/dram/ and cited per part below). `burstLength` is the part's BL; `tREFI` of the
 * LPDDR3 and DDR3 files is their `REFI` key (DRAMSim3 itself reads `tREFI` and would fall back to
 * 7800 for them: see docs/DRAM.md).
 */
import type { HardwareConfig } from '../../config/schema.js';

/** The part names of hardware.dram.part (config/sections/hardware.ts lists them). */
export type PartName = HardwareConfig['dram']['part'];

export interface DramPart {
  name: PartName;
  /** DRAMSim3 protocol name (written into the .ini we emit). */
  protocol: 'LPDDR3' | 'LPDDR4' | 'DDR4' | 'DDR3';
  /** Source file (DRAMSim3 configs/, commit 2981759). */
  source: string;
  bankGroups: number;
  banksPerGroup: number;
  rows: number;
  columns: number;
  /** Data pins per device (x16, x32). */
  deviceWidth: number;
  burstLength: number;
  /** The stock config's bus width (bits): devices per rank = busWidth / deviceWidth. */
  stockBusWidth: number;
  /** ns per DRAM clock. */
  tCK: number;
  CL: number;
  CWL: number;
  tRCD: number;
  tRP: number;
  tRAS: number;
  tRFC: number;
  tREFI: number;
  tRRD_S: number;
  tRRD_L: number;
  tWTR_S: number;
  tWTR_L: number;
  tFAW: number;
  tWR: number;
  tRTP: number;
  tCCD_S: number;
  tCCD_L: number;
  tCKE: number;
  tCKESR: number;
  tXS: number;
  tXP: number;
  tRTRS: number;
  tRPRE: number;
  tWPRE: number;
  /** Volts. */
  VDD: number;
  /** mA. */
  IDD0: number;
  IDD2P: number;
  IDD2N: number;
  IDD3P: number;
  IDD3N: number;
  IDD4W: number;
  IDD4R: number;
  IDD5AB: number;
  IDD6x: number;
}

export const PARTS: Record<PartName, DramPart> = {
  // configs/LPDDR3_8Gb_x32_1600.ini (tREFI: its REFI = 3120 clocks = 3.9 us).
  'lpddr3-1600': {
    name: 'lpddr3-1600',
    protocol: 'LPDDR3',
    source: 'DRAMSim3 configs/LPDDR3_8Gb_x32_1600.ini @2981759',
    bankGroups: 1,
    banksPerGroup: 8,
    rows: 32768,
    columns: 1024,
    deviceWidth: 32,
    burstLength: 8,
    stockBusWidth: 64,
    tCK: 1.25,
    CL: 12,
    CWL: 9,
    tRCD: 15,
    tRP: 15,
    tRAS: 34,
    tRFC: 168,
    tREFI: 3120,
    tRRD_S: 8,
    tRRD_L: 8,
    tWTR_S: 6,
    tWTR_L: 6,
    tFAW: 40,
    tWR: 12,
    tRTP: 6,
    tCCD_S: 4,
    tCCD_L: 4,
    tCKE: 6,
    tCKESR: 12,
    tXS: 176,
    tXP: 6,
    tRTRS: 1,
    tRPRE: 1,
    tWPRE: 1,
    VDD: 1.2,
    IDD0: 40,
    IDD2P: 1.3,
    IDD2N: 20.5,
    IDD3P: 7,
    IDD3N: 21,
    IDD4W: 245,
    IDD4R: 250,
    IDD5AB: 150,
    IDD6x: 21,
  },
  // configs/LPDDR4_8Gb_x16_2400.ini.
  'lpddr4-2400': {
    name: 'lpddr4-2400',
    protocol: 'LPDDR4',
    source: 'DRAMSim3 configs/LPDDR4_8Gb_x16_2400.ini @2981759',
    bankGroups: 2,
    banksPerGroup: 4,
    rows: 65536,
    columns: 1024,
    deviceWidth: 16,
    burstLength: 16,
    stockBusWidth: 64,
    tCK: 0.83,
    CL: 17,
    CWL: 14,
    tRCD: 15,
    tRP: 15,
    tRAS: 32,
    tRFC: 392,
    tREFI: 8660,
    tRRD_S: 8,
    tRRD_L: 8,
    tWTR_S: 8,
    tWTR_L: 16,
    tFAW: 32,
    tWR: 30,
    tRTP: 12,
    tCCD_S: 4,
    tCCD_L: 6,
    tCKE: 6,
    tCKESR: 7,
    tXS: 432,
    tXP: 6,
    tRTRS: 1,
    tRPRE: 1,
    tWPRE: 1,
    VDD: 1.2,
    IDD0: 80,
    IDD2P: 25,
    IDD2N: 34,
    IDD3P: 41,
    IDD3N: 47,
    IDD4W: 228,
    IDD4R: 243,
    IDD5AB: 280,
    IDD6x: 30,
  },
  // configs/DDR4_8Gb_x16_3200.ini.
  'ddr4-3200': {
    name: 'ddr4-3200',
    protocol: 'DDR4',
    source: 'DRAMSim3 configs/DDR4_8Gb_x16_3200.ini @2981759',
    bankGroups: 2,
    banksPerGroup: 4,
    rows: 65536,
    columns: 1024,
    deviceWidth: 16,
    burstLength: 8,
    stockBusWidth: 64,
    tCK: 0.63,
    CL: 22,
    CWL: 16,
    tRCD: 22,
    tRP: 22,
    tRAS: 52,
    tRFC: 560,
    tREFI: 12480,
    tRRD_S: 9,
    tRRD_L: 11,
    tWTR_S: 4,
    tWTR_L: 12,
    tFAW: 48,
    tWR: 24,
    tRTP: 12,
    tCCD_S: 4,
    tCCD_L: 8,
    tCKE: 8,
    tCKESR: 9,
    tXS: 576,
    tXP: 10,
    tRTRS: 1,
    tRPRE: 1,
    tWPRE: 1,
    VDD: 1.2,
    IDD0: 95,
    IDD2P: 25,
    IDD2N: 37,
    IDD3P: 47,
    IDD3N: 56,
    IDD4W: 278,
    IDD4R: 302,
    IDD5AB: 280,
    IDD6x: 30,
  },
  // configs/DDR3_8Gb_x16_1600.ini (tREFI: its REFI = 6240 clocks = 7.8 us).
  'ddr3-1600': {
    name: 'ddr3-1600',
    protocol: 'DDR3',
    source: 'DRAMSim3 configs/DDR3_8Gb_x16_1600.ini @2981759',
    bankGroups: 1,
    banksPerGroup: 8,
    rows: 65536,
    columns: 1024,
    deviceWidth: 16,
    burstLength: 8,
    stockBusWidth: 64,
    tCK: 1.25,
    CL: 11,
    CWL: 8,
    tRCD: 11,
    tRP: 11,
    tRAS: 28,
    tRFC: 280,
    tREFI: 6240,
    tRRD_S: 6,
    tRRD_L: 6,
    tWTR_S: 6,
    tWTR_L: 6,
    tFAW: 32,
    tWR: 12,
    tRTP: 6,
    tCCD_S: 4,
    tCCD_L: 4,
    tCKE: 4,
    tCKESR: 5,
    tXS: 288,
    tXP: 5,
    tRTRS: 1,
    tRPRE: 0,
    tWPRE: 0,
    VDD: 1.35,
    IDD0: 67,
    IDD2P: 11,
    IDD2N: 36,
    IDD3P: 36,
    IDD3N: 51,
    IDD4W: 185,
    IDD4R: 185,
    IDD5AB: 270,
    IDD6x: 24,
  },
};
