/**
 * One training step of a tiny network, computed by hand.
 *
 * Network 2-2-2, 4-bit weights (3 fraction bits), activations 8 bits (7 fraction bits),
 * errors 16 bits (12 fraction bits), 32-bit accumulators.
 *   W0 = [[3, -2], [-1, 5]]  signs [[+, -], [-, +]]      (rows: inputs, columns: hidden)
 *   W1 = [[-4, 2], [1, -3]]  signs [[-, +], [+, -]]      (rows: hidden, columns: outputs)
 *   x  = [64, -32]  (0.5, -0.25),  label 0,  learning rate 1.
 * Shifts: hidden fan-in 2 -> round(log2(sqrt 2)) - 3 < 0 -> 0; output fan-in 2 -> 1.
 *
 * Forward:  z1 = x . sign(W0) = [64 + 32, -64 - 32] = [96, -96]
 *           h  = round(tanh(96/128) * 128) = round(0.6351 * 128) = 81  -> [81, -81]
 *           o  = h . sign(W1) = [-81 - 81, 81 + 81] = [-162, 162]
 *           softmax of o / 2^7 / 2^1 = [-0.6328, 0.6328]: p = [0.22001, 0.77999]
 *           e  = round((p - onehot) * 4096) = [-3195, 3195]
 * Backward: dh = e . sign(W1)^T = [3195 + 3195, -3195 - 3195] = [6390, -6390]
 *           tanh' = 128 - floor(81*81/128) = 128 - 51 = 77
 *           eh = floor(dh * 77 / 128) = [floor(3843.98), floor(-3843.98)] = [3843, -3844]
 * Gradients: G1[j][c] = h_j e_c = [[-258795, 258795], [258795, -258795]]
 *           G0[i][j] = x_i eh_j = [[245952, -246016], [-122976, 123008]]
 * Update:   step = floor(G * lr * 2^3 / (2^(7+12) * batch 1)) = floor(G / 2^16)
 *           G0 / 2^16 = [[3.753, -3.754], [-1.876, 1.877]] -> steps [[3, -4], [-2, 1]]
 *           W0 - steps = [[0, 2], [1, 4]]
 *           G1 / 2^16 = [[-3.949, 3.949], [3.949, -3.949]] -> steps [[-4, 3], [3, -4]]
 *           W1 - steps = [[0, -1], [-2, 1]]
 */
import { describe, expect, it } from 'vitest';
import { Subnet } from '../../trainer/subnet.js';
import { formats, outputScale, softmaxError } from '../../trainer/arith.js';

describe('one training step of a 2-2-2 network', () => {
  it('matches the hand computation', () => {
    const fmt = formats(8, 16, 32);
    const net = new Subnet([2, 2, 2], 4, fmt);
    net.restore([Int32Array.from([3, -2, -1, 5]), Int32Array.from([-4, 2, 1, -3])]);
    expect(net.shifts).toEqual([0, 1]);

    const logits = new Float64Array(2);
    net.forward(Float64Array.from([64, -32]), 1, logits);
    expect([...logits]).toEqual([-162, 162]);

    const err = new Float64Array(2);
    softmaxError(logits, [0], 1, 2, 2 ** -7 * 2 ** -1, fmt.err, err);
    expect([...err]).toEqual([-3195, 3195]);

    net.backwardAndUpdate(err, 1, 1, 'floor');
    expect([...net.weights![0]!]).toEqual([0, 2, 1, 4]);
    expect([...net.weights![1]!]).toEqual([0, -1, -2, 1]);
    expect([...net.signs[0]!]).toEqual([1, 1, 1, 1]);
    expect([...net.signs[1]!]).toEqual([1, -1, -1, 1]);
  });

  it('saturates updates at the ends of the weight range', () => {
    const fmt = formats(8, 16, 32);
    const net = new Subnet([2, 2, 2], 4, fmt);
    net.restore([Int32Array.from([7, -8, -8, 7]), Int32Array.from([-8, 7, 7, -8])]);
    const logits = new Float64Array(2);
    net.forward(Float64Array.from([64, -32]), 1, logits);
    const err = new Float64Array(2);
    softmaxError(logits, [0], 1, 2, 2 ** -8, fmt.err, err);
    net.backwardAndUpdate(err, 1, 64, 'floor'); // huge steps: every weight hits a rail
    for (const w of [...net.weights![0]!, ...net.weights![1]!]) expect(w === 7 || w === -8).toBe(true);
  });

  it('scales the softmax input by the output gain (hand-checked)', () => {
    // Same forward pass, o = [-162, 162]; gain 2: softmax of o * 2 / 2^7 / 2^1 = [-1.2656, 1.2656]
    // p = [0.073696, 0.926304]; e = round((p - onehot) * 4096) = [-3794, 3794].
    const fmt = formats(8, 16, 32);
    expect(outputScale(fmt.act, 1, 1, 2)).toBe(2 ** -7);
    expect(outputScale(fmt.act, 1, 4, 2)).toBe(outputScale(fmt.act, 1, 1)); // 2 / sqrt(4) = 1
    const err = new Float64Array(2);
    softmaxError(Float64Array.from([-162, 162]), [0], 1, 2, outputScale(fmt.act, 1, 1, 2), fmt.err, err);
    expect([...err]).toEqual([-3794, 3794]);
  });
});
