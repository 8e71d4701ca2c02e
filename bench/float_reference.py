"""Float reference of the RBNN and conventional BinaryConnect schedules (numpy, float32).

The same model as the fixed-point trainer (trainer/), without the fixed point: sign weights in
the forward and backward passes, real-valued shadow weights in [-1, 1) updated by plain SGD on
mini-batches with a per-epoch decay, tanh hidden units with the trainer's gain (1/4 of the
pre-activation for 784 inputs), the summed output of k sub-networks scaled by
gain / 2^shift / sqrt(k), softmax cross-entropy, the best-validation epoch of each iteration kept.
It answers one question: is the gap between R3 and B2 (docs/TRAINING.md) a property of the
schedule, or of our fixed-point arithmetic?

usage: python3 bench/float_reference.py DATA_DIR MODEL HIDDEN EPOCHS LR GAIN [ITERATIONS] [SEED] [DECAY] [PATIENCE]
  MODEL: rbnn | conventional; prints validation and test error after each iteration.
  PATIENCE (0: none): stop an iteration after this many epochs without a lower validation
  error, EPOCHS then the cap (the trainer's training.epochPatience; reproduce --protocol paper).
"""
import struct
import sys

import numpy as np

f32 = np.float32


def load(d):
    def images(name):
        b = open(f"{d}/{name}", "rb").read()
        n, r, c = struct.unpack(">III", b[4:16])
        return np.frombuffer(b, np.uint8, offset=16).reshape(n, r * c).astype(f32)

    def labels(name):
        return np.frombuffer(open(f"{d}/{name}", "rb").read(), np.uint8, offset=8).astype(np.int64)

    xi, yi = images("train-images-idx3-ubyte"), labels("train-labels-idx1-ubyte")
    xt, yt = images("t10k-images-idx3-ubyte"), labels("t10k-labels-idx1-ubyte")
    mean = xi[:50000].mean(axis=0)
    # Per-pixel zero mean, / 255, on the 8-bit activation grid (7 fraction bits), as the trainer.
    q = lambda x: np.clip(np.floor((x - mean) / 255 * 128 + 0.5), -128, 127).astype(f32) / 128
    return (q(xi[:50000]), yi[:50000]), (q(xi[50000:]), yi[50000:]), (q(xt), yt)


def shift_of(fan_in):
    return round(np.log2(np.sqrt(fan_in)))


class Sub:
    def __init__(self, hidden, rng):
        self.W = [rng.uniform(-0.25, 0.25, size=s).astype(f32) for s in ((784, hidden), (hidden, 10))]
        self.scale_h = f32(2.0 ** -max(0, shift_of(784) - 3))

    def signs(self):
        return [np.where(w < 0, f32(-1), f32(1)) for w in self.W]

    def forward(self, x, S=None):
        S0, S1 = S or self.signs()
        h = np.tanh((x @ S0) * self.scale_h)
        return h, h @ S1


def softmax(z):
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def main():
    d, model, hidden, epochs, lr0, gain = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5]), float(sys.argv[6])
    iterations = int(sys.argv[7]) if len(sys.argv) > 7 else (4 if model == "rbnn" else 1)
    seed = int(sys.argv[8]) if len(sys.argv) > 8 else 1
    decay = float(sys.argv[9]) if len(sys.argv) > 9 else 0.8
    patience = int(sys.argv[10]) if len(sys.argv) > 10 else 0
    (xtr, ytr), (xva, yva), (xte, yte) = load(d)
    rng = np.random.default_rng(seed)
    out_scale = gain * 2.0 ** -shift_of(hidden)
    frozen = {n: np.zeros((len(x), 10), f32) for n, x in (("tr", xtr), ("va", xva), ("te", xte))}
    B = 100
    onehot = np.eye(10, dtype=f32)
    for k in range(1, iterations + 1):
        net = Sub(hidden, rng)
        scale = f32(out_scale / np.sqrt(k))
        best, best_w, best_epoch, ran = 2.0, None, 0, 0
        for epoch in range(1, epochs + 1):
            ran = epoch
            lr = f32(lr0 * decay ** (epoch - 1))
            order = rng.permutation(len(xtr))
            for s in range(0, len(xtr), B):
                i = order[s:s + B]
                x = xtr[i]
                S0, S1 = net.signs()
                h, o = net.forward(x, (S0, S1))
                e = softmax((frozen["tr"][i] + o) * scale) - onehot[ytr[i]]
                eh = (e @ S1.T) * (1 - h * h)
                net.W[1] = np.clip(net.W[1] - lr * (h.T @ e) / len(i), -1, 1 - 2 ** -15)
                net.W[0] = np.clip(net.W[0] - lr * (x.T @ eh) / len(i), -1, 1 - 2 ** -15)
            err = np.mean(np.argmax(frozen["va"] + net.forward(xva)[1], axis=1) != yva)
            if err < best:
                best, best_w, best_epoch = err, [w.copy() for w in net.W], epoch
            elif patience > 0 and epoch - best_epoch >= patience:
                break
        net.W = best_w
        for n, x in (("tr", xtr), ("va", xva), ("te", xte)):
            frozen[n] += net.forward(x)[1]
        test = np.mean(np.argmax(frozen["te"], axis=1) != yte)
        print(f"k={k} validation {best * 100:.2f} % test {test * 100:.2f} % best epoch {best_epoch}/{ran}", flush=True)


if __name__ == "__main__":
    main()
