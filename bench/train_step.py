"""The numpy peer of bench/train-step.ts: the same fixed-point training step (784-H-10, sign
weights in the multiply-accumulates, tanh look-up table, softmax error, all-bits update with
saturation), written the way one writes it in numpy: float32 arrays holding the integers,
float32 matrix products (OpenBLAS), element-wise numpy ops. Float32 is exact for the forward and
backward sums but not for the larger gradient sums; it is a speed peer, not a reference.

Protocol (driven by the TypeScript bench, so that both run interleaved in one run): argv[1] is
the MNIST data folder. Each line on stdin is JSON {"hidden": H, "steps": n}; the answer is one
line {"ms": [per-step wall times of n consecutive steps], "cpu_ms": CPU time of the n steps (all
threads), "core": OpenBLAS kernel, "threads": n}.
"""
import ctypes
import json
import struct
import sys
import time

import numpy as np

B = 100
ACT_BITS, ERR_BITS, ACC_BITS, W_BITS = 8, 16, 32, 16
A_FRAC, E_FRAC, W_FRAC = ACT_BITS - 1, ERR_BITS - 4, W_BITS - 1
f32 = np.float32


def openblas():
    """OpenBLAS's kernel name and thread count, read from the library numpy loaded."""
    try:
        path = sorted({l.split()[-1] for l in open("/proc/self/maps") if "openblas" in l})[0]
        lib = ctypes.CDLL(path)
        for prefix in ("scipy_openblas", "openblas"):
            for suffix in ("64_", ""):
                core = getattr(lib, f"{prefix}_get_corename{suffix}", None)
                threads = getattr(lib, f"{prefix}_get_num_threads{suffix}", None)
                if core and threads:
                    core.restype = ctypes.c_char_p
                    return core().decode(), threads()
    except Exception:  # noqa: BLE001 - informative only
        pass
    return "unknown", 0


def load_mnist(d):
    b = open(f"{d}/train-images-idx3-ubyte", "rb").read()
    n, rows, cols = struct.unpack(">III", b[4:16])
    img = np.frombuffer(b, np.uint8, offset=16).reshape(n, rows * cols)[:50000]
    lab = np.frombuffer(open(f"{d}/train-labels-idx1-ubyte", "rb").read(), np.uint8, offset=8)[:50000]
    one = 2 ** (ACT_BITS - 1)
    q = np.clip(np.floor((img - img.mean(axis=0)) / 255 * one + 0.5), -one, one - 1).astype(np.int16)
    return q, lab


def shift_of(fan_in, hidden):
    s = round(np.log2(np.sqrt(fan_in)))
    return max(0, s - 3 if hidden else s)


class Net:
    def __init__(self, hidden, seed=1):
        rng = np.random.default_rng(seed)
        m = int(0.25 * 2 ** (W_BITS - 1))
        self.W = [rng.integers(-m, m + 1, size=s).astype(f32) for s in ((784, hidden), (hidden, 10))]
        self.S = [np.where(w < 0, f32(-1), f32(1)) for w in self.W]
        self.shift = [shift_of(784, True), shift_of(hidden, False)]
        one = 2 ** A_FRAC
        self.lo, self.hi = -4 * one, 4 * one - 1
        v = np.arange(self.lo, self.hi + 1)
        self.lut = np.clip(np.round(np.tanh(v / one) * one), -one, one - 1).astype(f32)
        self.acc = (f32(-(2 ** (ACC_BITS - 1))), f32(2 ** (ACC_BITS - 1) - 1))
        self.err = (f32(-(2 ** (ERR_BITS - 1))), f32(2 ** (ERR_BITS - 1) - 1))
        self.wr = (f32(-(2 ** (W_BITS - 1))), f32(2 ** (W_BITS - 1) - 1))
        self.out_scale = f32(2.0 ** -(A_FRAC + self.shift[1]))
        self.lr = 3.0

    def step(self, x16, y):
        S0, S1 = self.S
        x = x16.astype(f32)
        z = x @ S0
        np.clip(z, *self.acc, out=z)
        v = np.floor(z * f32(2.0 ** -self.shift[0]))
        np.clip(v, self.lo, self.hi, out=v)
        h = self.lut[v.astype(np.intp) - self.lo]
        o = h @ S1
        np.clip(o, *self.acc, out=o)
        t = o * self.out_scale
        t -= t.max(axis=1, keepdims=True)
        p = np.exp(t)
        p /= p.sum(axis=1, keepdims=True)
        p[np.arange(len(y)), y] -= 1
        e = np.clip(np.floor(p * f32(2 ** E_FRAC) + f32(0.5)), *self.err)
        d = e @ S1.T
        s = f32(2 ** A_FRAC)
        der = s - np.floor(h * h / s)
        eh = np.clip(np.floor(d * der / s), *self.err)
        scale = f32(self.lr * 2 ** W_FRAC / (2 ** (A_FRAC + E_FRAC) * len(y)))
        for layer, (a, err) in ((1, (h, e)), (0, (x, eh))):
            g = a.T @ err
            np.clip(g, *self.acc, out=g)
            g *= scale
            np.trunc(g, out=g)
            w = self.W[layer]
            w -= g
            np.clip(w, *self.wr, out=w)
            self.S[layer] = np.where(w < 0, f32(-1), f32(1))


def main():
    X, Y = load_mnist(sys.argv[1])
    core, threads = openblas()
    nets = {}
    order = np.random.default_rng(7).permutation(len(X))
    pos = 0
    for line in sys.stdin:
        cmd = json.loads(line)
        net = nets.setdefault(cmd["hidden"], Net(cmd["hidden"]))
        ms = []
        cpu = time.process_time()
        for _ in range(cmd["steps"]):
            if pos + B > len(order):
                pos = 0
            t = time.perf_counter()
            idx = order[pos:pos + B]
            net.step(X[idx], Y[idx])
            ms.append((time.perf_counter() - t) * 1000)
            pos += B
        cpu_ms = (time.process_time() - cpu) * 1000
        print(json.dumps({"ms": ms, "cpu_ms": cpu_ms, "core": core, "threads": threads}), flush=True)


if __name__ == "__main__":
    main()
