/**
 * A chunk of output bytes that trace formats append lines to, encoding numbers as ASCII
 * directly (no intermediate strings): the hot path of trace writing. When the chunk is nearly
 * full it is handed to `drain`, which must consume it synchronously (the bytes are reused).
 */
const HEX = Uint8Array.from('0123456789abcdef', (c) => c.charCodeAt(0));
const TWO32 = 4294967296;

export class LineBuffer {
  readonly buf: Uint8Array;
  pos = 0;
  /** Bytes handed to drain so far. */
  drained = 0;
  private readonly scratch = new Uint8Array(24);

  constructor(
    private readonly drain: (chunk: Uint8Array) => void,
    size = 1 << 20,
  ) {
    this.buf = new Uint8Array(size);
  }

  /** Makes room for `n` more bytes (a line's upper bound). */
  reserve(n: number): void {
    if (this.pos + n > this.buf.length) {
      this.flush();
      if (n > this.buf.length) throw new Error(`trace line of ${n} bytes exceeds the ${this.buf.length}-byte chunk`);
    }
  }

  flush(): void {
    if (this.pos === 0) return;
    const n = this.pos;
    this.pos = 0;
    this.drained += n;
    this.drain(this.buf.subarray(0, n));
  }

  byte(c: number): void {
    this.buf[this.pos++] = c;
  }

  bytes(b: Uint8Array): void {
    const n = b.length;
    if (n <= 32) {
      // a short loop beats TypedArray.prototype.set for the few bytes of a field
      const buf = this.buf;
      let p = this.pos;
      for (let i = 0; i < n; i++) buf[p++] = b[i]!;
      this.pos = p;
    } else {
      this.buf.set(b, this.pos);
      this.pos += n;
    }
  }

  /** Lowercase hex, no prefix, no leading zeros; n: a non-negative safe integer. */
  hex(n: number): void {
    const buf = this.buf;
    if (n < TWO32) {
      let lo = n >>> 0;
      if (lo === 0) {
        buf[this.pos++] = 48;
        return;
      }
      let digits = 0;
      for (let t = lo; t !== 0; t >>>= 4) digits++;
      let p = this.pos + digits;
      this.pos = p;
      while (lo !== 0) {
        buf[--p] = HEX[lo & 15]!;
        lo >>>= 4;
      }
      return;
    }
    const hi = Math.floor(n / TWO32);
    let lo = (n - hi * TWO32) >>> 0;
    this.hex(hi);
    let p = this.pos + 8;
    this.pos = p;
    for (let i = 0; i < 8; i++) {
      buf[--p] = HEX[lo & 15]!;
      lo >>>= 4;
    }
  }

  /** Decimal; n: a safe integer. */
  dec(n: number): void {
    const buf = this.buf;
    if (n < 0) {
      buf[this.pos++] = 45;
      n = -n;
    }
    if (n < 10) {
      buf[this.pos++] = 48 + n;
      return;
    }
    const s = this.scratch;
    let i = s.length;
    if (n < TWO32) {
      let v = n >>> 0;
      while (v !== 0) {
        const q = (v / 10) >>> 0;
        s[--i] = 48 + v - q * 10;
        v = q;
      }
    } else {
      let v = n;
      while (v !== 0) {
        const q = Math.floor(v / 10);
        s[--i] = 48 + (v - q * 10);
        v = q;
      }
    }
    const len = s.length - i;
    for (let k = 0; k < len; k++) buf[this.pos + k] = s[i + k]!;
    this.pos += len;
  }
}

/** ASCII bytes of a string (trace formats only write ASCII; others are replaced by '?'). */
export function ascii(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    out[i] = c < 128 ? c : 63;
  }
  return out;
}
