import type { Dram } from '../components/dram.js';

/** The DRAM device fields of a report's hardware summary. */
export function dramHardwareSummary(d: Dram) {
  return {
    model: d.model,
    part: d.part.name,
    devices: d.devices,
    burstLength: d.burstLength,
    banks: d.map.banks,
    addressMapping: d.map.spec,
    powerDown: d.power.policy,
    powerDownAfter: d.power.after,
    selfRefreshAfter: d.power.selfAfter,
  };
}
