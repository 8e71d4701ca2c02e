/** The DRAM lines of the text and Markdown reports: the device headline and the time per power state. */
import type { HardwareSummary, SimReport } from '../report.js';

type Fmt = {
  count: (n: number) => string;
  seconds: (s: number) => string;
  joules: (j: number) => string;
  pct: (a: number, b: number) => string;
};

export function dramHeadline(d: HardwareSummary['dram']): string {
  const bus = `${d.busWidthBits}-bit bus, ${d.burstBits / 8} B bursts`;
  if (d.model !== 'device') return `DRAM per-bit model: ${bus} x${d.dataRate} at ${d.clockRatio}x clock`;
  const policy =
    d.powerDown === 'standby'
      ? 'standby when idle'
      : d.powerDown === 'power-down'
        ? `power-down after ${d.powerDownAfter} idle clocks`
        : `power-down after ${d.powerDownAfter}, self-refresh after ${d.selfRefreshAfter} idle clocks`;
  return (
    `DRAM ${d.part} (${d.devices} device${d.devices > 1 ? 's' : ''}, ${bus} (BL${d.burstLength}), ${d.banks} banks, ` +
    `${d.addressMapping}, open page; ${policy})`
  );
}

export function dramStateTable(r: SimReport, f: Fmt) {
  if (r.hardware.dram.model !== 'device') return null;
  const t = r.total;
  const st = t.dramStates;
  const e = t.energy.byAction;
  const all = st.activeStandby + st.prechargeStandby + st.powerDown + st.selfRefresh;
  const c = t.counts.dram;
  return {
    title:
      `DRAM power states (policy: ${r.hardware.dram.powerDown}); ` +
      `background + refresh ${f.joules(t.energy.background)}`,
    table: {
      head: ['state', 'time', 'share', 'energy'],
      rows: [
        [
          'active standby (IDD3N)',
          f.seconds(st.activeStandby),
          f.pct(st.activeStandby, all),
          f.joules(e['dram.active-standby']),
        ],
        ['  of which serving bursts', f.seconds(st.busy), f.pct(st.busy, all), ''],
        [
          'precharge standby (IDD2N)',
          f.seconds(st.prechargeStandby),
          f.pct(st.prechargeStandby, all),
          f.joules(e['dram.precharge-standby']),
        ],
        [
          'precharge power-down (IDD2P)',
          f.seconds(st.powerDown),
          f.pct(st.powerDown, all),
          f.joules(e['dram.power-down']),
        ],
        [
          'self-refresh (IDD6x)',
          f.seconds(st.selfRefresh),
          f.pct(st.selfRefresh, all),
          f.joules(e['dram.self-refresh']),
        ],
        ['refresh commands', f.count(c.refreshes), '', f.joules(e['dram.refresh'])],
      ],
      align: ['l', 'r', 'r', 'r'] as Array<'l' | 'r'>,
    },
    note:
      `activations: ${f.count(c.rowChanges)} row changes (${f.count(c.conflicts)} back-to-back conflicts) + ` +
      `${f.count(c.reopens)} re-opens after refresh; exits: ${f.count(c.powerDownExits)} power-down, ` +
      `${f.count(c.selfRefreshExits)} self-refresh`,
  };
}
