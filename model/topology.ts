/**
 * Topology of one sub-network (RBNN) or of the whole network (conventional):
 * dims = [inputs, hidden..., outputs]; layer l maps dims[l] -> dims[l+1].
 * The paper counts weights only (no biases, no batch-norm), and so do we.
 */
export interface Topology {
  readonly dims: readonly number[];
}

export function topology(inputs: number, hidden: readonly number[], outputs: number): Topology {
  return { dims: [inputs, ...hidden, outputs] };
}

export function layerCount(t: Topology): number {
  return t.dims.length - 1;
}

/** Weights of layer l: dims[l] * dims[l+1]. */
export function layerWeights(t: Topology, l: number): number {
  return t.dims[l]! * t.dims[l + 1]!;
}

/** All weights of the topology (W0 for an RBNN sub-network). */
export function weightCount(t: Topology): number {
  let w = 0;
  for (let l = 0; l < layerCount(t); l++) w += layerWeights(t, l);
  return w;
}

/** First weight index of each layer when the layers are laid out one after the other. */
export function layerOffsets(t: Topology): number[] {
  const offsets: number[] = [];
  let o = 0;
  for (let l = 0; l < layerCount(t); l++) {
    offsets.push(o);
    o += layerWeights(t, l);
  }
  return offsets;
}

export function hiddenUnits(t: Topology): number[] {
  return t.dims.slice(1, -1) as number[];
}
