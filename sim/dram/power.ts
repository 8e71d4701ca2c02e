/**
 * Power states of the DRAM while the accelerator computes without touching it (the idle time of
 * an operation chunk, known when it is costed). Policies (hardware.dram.powerDown):
 * - standby: the rank stays in standby; rows the chunk opened stay open until the next refresh
 *   closes them (on average tREFI / 2 later): active standby (IDD3N) until then, then precharge
 *   standby (IDD2N). A chunk that touched no DRAM idles in precharge standby.
 * - power-down: after `after` idle clocks in standby the controller precharges and enters
 *   precharge power-down (IDD2P); it leaves tXP clocks before the next access (the schedule is
 *   static, so the exit is timed to end as the idle time does: tXP clocks of precharge standby).
 *   Entered only when the idle time is at least after + tXP.
 * - self-refresh: as power-down, and after `selfAfter` idle clocks self-refresh (IDD6x, no
 *   refresh commands); the exit takes tXS clocks of precharge standby. Entered when the idle time
 *   is at least selfAfter + tXS.
 * Refresh commands (every tREFI) go on in every state but self-refresh.
 */
export type PowerPolicy = 'standby' | 'power-down' | 'self-refresh';

export interface StateClocks {
  active: number;
  precharge: number;
  powerDown: number;
  selfRefresh: number;
  powerDownExits: number;
  selfRefreshExits: number;
}

export interface PowerTiming {
  tREFI: number;
  tXP: number;
  tXS: number;
}

export interface PowerSettings {
  policy: PowerPolicy;
  /** Idle DRAM clocks before power-down. */
  after: number;
  /** Idle DRAM clocks before self-refresh (self-refresh policy). */
  selfAfter: number;
}

/** State clocks of an idle stretch of `idle` DRAM clocks following a chunk that did (`opened`) or did not open rows. */
export function idleStates(idle: number, opened: boolean, p: PowerSettings, t: PowerTiming): StateClocks {
  const s: StateClocks = {
    active: 0,
    precharge: 0,
    powerDown: 0,
    selfRefresh: 0,
    powerDownExits: 0,
    selfRefreshExits: 0,
  };
  if (!(idle > 0)) return s;
  const standby = (clocks: number): void => {
    const a = opened ? Math.min(clocks, t.tREFI / 2) : 0;
    s.active += a;
    s.precharge += clocks - a;
  };
  if (p.policy === 'self-refresh' && idle >= p.selfAfter + t.tXS) {
    const before = Math.min(p.after, p.selfAfter);
    standby(before);
    s.powerDown = p.selfAfter - before;
    s.selfRefresh = idle - p.selfAfter - t.tXS;
    s.precharge += t.tXS;
    s.selfRefreshExits = 1;
    return s;
  }
  if (p.policy !== 'standby' && idle >= p.after + t.tXP) {
    standby(p.after);
    s.powerDown = idle - p.after - t.tXP;
    s.precharge += t.tXP;
    s.powerDownExits = 1;
    return s;
  }
  standby(idle);
  return s;
}
