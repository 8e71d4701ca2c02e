/**
 * DRAM address mapping in DRAMSim3's style (src/configuration.cc, SetAddressMapping): a byte
 * address is shifted right by log2(burst bytes), then split into six fields named by a 12-letter
 * string from the most to the least significant: `ch` channel, `ra` rank, `bg` bank group, `ba`
 * bank, `ro` row, `co` column (columns / BL bursts per row). `rochrababgco` (DRAMSim3's default):
 * consecutive bursts fill a row, then the next bank group, bank, rank, channel, then the next row.
 */
import { UserError } from '../../config/errors.js';

export const FIELDS = ['ch', 'ra', 'bg', 'ba', 'ro', 'co'] as const;
type FieldName = (typeof FIELDS)[number];

export interface Geometry {
  channels: number;
  ranks: number;
  bankGroups: number;
  banksPerGroup: number;
  rows: number;
  /** Bursts per row (columns / BL). */
  burstsPerRow: number;
}

const log2 = (n: number): number => Math.round(Math.log2(n));

export class AddressMap {
  /** Banks over all channels and ranks (bank ids 0..banks-1). */
  readonly banks: number;
  /** Bursts that stay in one (bank, row) when the lowest field is `co` (else 1). */
  readonly segment: number;
  /** 2^(field position) and field masks. */
  private readonly div: Record<FieldName, number>;
  private readonly mask: Record<FieldName, number>;
  private readonly ranks: number;
  private readonly groups: number;
  private readonly perGroup: number;

  constructor(
    readonly spec: string,
    readonly geometry: Geometry,
    what = 'hardware.dram.addressMapping',
  ) {
    const g = geometry;
    const widths: Record<FieldName, number> = {
      ch: log2(g.channels),
      ra: log2(g.ranks),
      bg: log2(g.bankGroups),
      ba: log2(g.banksPerGroup),
      ro: log2(g.rows),
      co: log2(g.burstsPerRow),
    };
    for (const [k, n] of [
      ['channels', g.channels],
      ['ranks', g.ranks],
      ['bankGroups', g.bankGroups],
      ['banksPerGroup', g.banksPerGroup],
      ['rows', g.rows],
      ['burstsPerRow', g.burstsPerRow],
    ] as const) {
      if (!(n >= 1) || 2 ** log2(n) !== n) throw new UserError(`${what}: ${k} must be a power of two, got ${n}`);
    }
    const tokens: string[] = spec.length === 12 ? spec.match(/../g)! : [];
    if (tokens.length !== 6 || FIELDS.some((f) => !tokens.includes(f))) {
      throw new UserError(
        `${what}: expected 6 two-letter fields ch ra bg ba ro co in some order (e.g. rochrababgco), got "${spec}"`,
      );
    }
    const pos = {} as Record<FieldName, number>;
    const mask = {} as Record<FieldName, number>;
    let p = 0;
    for (let i = 5; i >= 0; i--) {
      const f = tokens[i] as FieldName;
      pos[f] = p;
      mask[f] = 2 ** widths[f] - 1;
      p += widths[f];
    }
    this.div = { ch: 2 ** pos.ch, ra: 2 ** pos.ra, bg: 2 ** pos.bg, ba: 2 ** pos.ba, ro: 2 ** pos.ro, co: 2 ** pos.co };
    this.mask = mask;
    this.ranks = g.ranks;
    this.groups = g.bankGroups;
    this.perGroup = g.banksPerGroup;
    this.banks = g.channels * g.ranks * g.bankGroups * g.banksPerGroup;
    this.segment = tokens[5] === 'co' ? g.burstsPerRow : 1;
  }

  /** Bank id (channel, rank, bank group, bank flattened) of burst number `burst`. */
  bank(burst: number): number {
    const d = this.div;
    const m = this.mask;
    const ch = Math.floor(burst / d.ch) & m.ch;
    const ra = Math.floor(burst / d.ra) & m.ra;
    const bg = Math.floor(burst / d.bg) & m.bg;
    const ba = Math.floor(burst / d.ba) & m.ba;
    return ((ch * this.ranks + ra) * this.groups + bg) * this.perGroup + ba;
  }

  /** Row of burst number `burst` (addresses beyond the device wrap, as in DRAMSim3). */
  row(burst: number): number {
    return Math.floor(burst / this.div.ro) & this.mask.ro;
  }
}
