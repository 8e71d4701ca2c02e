/**
 * The hot loops of fixed-point training, in plain TypeScript. All operands are integers held
 * in Float64Arrays (exact below 2^53), so results are bit-identical whatever the loop order.
 * Weights enter the multiply-accumulates as their sign only (+1 / -1).
 */

/** out[b][o] = sum_i x[b][i] * s[i][o]   (x: B x I, s: I x O signs, out: B x O). */
export function signMatmul(x: Float64Array, s: Float64Array, out: Float64Array, B: number, I: number, O: number): void {
  out.fill(0, 0, B * O);
  for (let b = 0; b < B; b++) {
    const xb = b * I;
    const ob = b * O;
    for (let i = 0; i < I; i++) {
      const xv = x[xb + i]!;
      if (xv === 0) continue;
      const si = i * O;
      for (let o = 0; o < O; o++) out[ob + o]! += xv * s[si + o]!;
    }
  }
}

/** out[b][i] = sum_o e[b][o] * s[i][o]   (errors flowing back through the sign weights). */
export function signMatmulT(
  e: Float64Array,
  s: Float64Array,
  out: Float64Array,
  B: number,
  I: number,
  O: number,
): void {
  for (let b = 0; b < B; b++) {
    const eb = b * O;
    const ob = b * I;
    for (let i = 0; i < I; i++) {
      const si = i * O;
      let acc = 0;
      for (let o = 0; o < O; o++) acc += e[eb + o]! * s[si + o]!;
      out[ob + i] = acc;
    }
  }
}

/** g[i][o] = sum_b x[b][i] * e[b][o]   (weight gradient: outer products summed over the batch). */
export function outerAccumulate(
  x: Float64Array,
  e: Float64Array,
  g: Float64Array,
  B: number,
  I: number,
  O: number,
): void {
  g.fill(0, 0, I * O);
  for (let b = 0; b < B; b++) {
    const xb = b * I;
    const eb = b * O;
    for (let i = 0; i < I; i++) {
      const xv = x[xb + i]!;
      if (xv === 0) continue;
      const gi = i * O;
      for (let o = 0; o < O; o++) g[gi + o]! += xv * e[eb + o]!;
    }
  }
}
