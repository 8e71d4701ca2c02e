/** The network a configuration describes: its sub-network topology and storage plan. */
import type { ModelConfig } from '../config/schema.js';
import { Topology, topology } from './topology.js';
import { StoragePlan, conventionalStoragePlan, rbnnStoragePlan } from './storage-plan.js';

export interface NetworkSpec {
  topology: Topology;
  plan: StoragePlan;
}

export function networkSpec(m: ModelConfig): NetworkSpec {
  const t = topology(m.inputs, m.hidden, m.outputs);
  const plan =
    m.schedule === 'rbnn'
      ? rbnnStoragePlan(t, m.bits, m.maxIterations, m.minTrainableBits)
      : conventionalStoragePlan(t, m.bits);
  return { topology: t, plan };
}
