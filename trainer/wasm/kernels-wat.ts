/**
 * The WebAssembly SIMD kernels of training, as WebAssembly text (WAT). The text is generated
 * here (register blocks are unrolled by these helpers) and assembled by trainer/wasm/assemble.ts
 * (the `wabt` package) into trainer/wasm/kernels-binary.ts; a test checks that the committed
 * binary is the assembly of this text.
 *
 * Data layouts (all pointers are byte offsets into the shared memory; ld* are row strides in
 * bytes):
 * - activations / errors that are the left operand A of a product: int16, row-major, rows =
 *   samples (or weight rows for the gradient), the reduction index k along the row, so that a
 *   pair (k, k+1) is one 32-bit word: it is broadcast to all four lanes (`v128.load32_splat`);
 * - the right operand B2 is "pair-interleaved": row p holds, for every output column n, the
 *   int16 pair (B[2p][n], B[2p+1][n]), so one 128-bit load gives the pairs of 4 columns;
 * - `i32x4.dot_i16x8_s` multiplies the broadcast pair with the 4 column pairs and adds each
 *   pair: 8 multiply-accumulates into 4 int32 lanes.
 * Sign weights are int16 +1 / -1 in B2 layout: S2 (pairs of weight rows i, for the forward
 * pass) and ST2 (pairs of weight columns o, for the backward pass). A register block is MB rows
 * x NV vectors of 4 columns.
 *
 * Exactness: int32 lanes hold exact sums as long as they cannot overflow; the caller proves a
 * bound (forward, backward) or passes `chunk`, the number of pairs after which partial sums are
 * moved to float64 (gradient), so every result equals the exact integer sum.
 */

export const MB = 4;
export const NV = 2;

interface Shape {
  mb: number;
  nv: number;
  /** Load the B2 vectors at each use instead of once per pair (fewer live registers). */
  inlineB?: boolean;
}

const get = (n: string): string => `(local.get $${n})`;
const i32 = (v: number): string => `(i32.const ${v})`;

function locals(prefix: string, n: number, type: string): string {
  return Array.from({ length: n }, (_, i) => `(local $${prefix}${i} ${type})`).join(' ');
}

/** acc r,j = 0 */
function zeroAcc(s: Shape): string {
  const out: string[] = [];
  for (let r = 0; r < s.mb; r++)
    for (let j = 0; j < s.nv; j++) out.push(`(local.set $acc${r * s.nv + j} (v128.const i32x4 0 0 0 0))`);
  return out.join('\n');
}

/**
 * The inner product loop over `$cnt` pairs: A row pointers $pa0.. (advance 4 bytes per pair),
 * B2 pointer $pb (advances $ldb per pair), accumulators $acc.
 */
function innerLoop(s: Shape, label: string, indexed = false): string {
  const body: string[] = [];
  const inline = s.inlineB ?? false;
  // Indexed: pair p of the sum is pair idx[p] of A's rows and of B2 (zero pairs skipped).
  const pb = indexed ? get('qb') : get('pb');
  if (indexed) {
    body.push(`(local.set $q (i32.load ${get('pi')}))`);
    body.push(`(local.set $pi (i32.add ${get('pi')} ${i32(4)}))`);
    body.push(`(local.set $qb (i32.add ${get('pb')} (i32.mul ${get('q')} ${get('ldb')})))`);
    body.push(`(local.set $q (i32.shl ${get('q')} ${i32(2)}))`);
  }
  if (!inline) for (let j = 0; j < s.nv; j++) body.push(`(local.set $b${j} (v128.load offset=${16 * j} ${pb}))`);
  for (let r = 0; r < s.mb; r++) {
    body.push(
      `(local.set $x (v128.load32_splat ${indexed ? `(i32.add ${get(`pa${r}`)} ${get('q')})` : get(`pa${r}`)}))`,
    );
    for (let j = 0; j < s.nv; j++) {
      const a = `acc${r * s.nv + j}`;
      const b = inline ? `(v128.load offset=${16 * j} ${pb})` : get(`b${j}`);
      body.push(`(local.set $${a} (i32x4.add ${get(a)} (i32x4.dot_i16x8_s ${get('x')} ${b})))`);
    }
  }
  if (!indexed) {
    for (let r = 0; r < s.mb; r++) body.push(`(local.set $pa${r} (i32.add ${get(`pa${r}`)} ${i32(4)}))`);
    body.push(`(local.set $pb (i32.add ${get('pb')} ${get('ldb')}))`);
  }
  body.push(`(local.set $cnt (i32.sub ${get('cnt')} ${i32(1)}))`);
  return `(block $${label}_done (loop $${label}
  (br_if $${label}_done (i32.le_s ${get('cnt')} ${i32(0)}))
  ${body.join('\n  ')}
  (br $${label})))`;
}

/** $pa_r = base + (row + r) * lda */
function rowPointers(s: Shape, base: string): string {
  const out: string[] = [];
  for (let r = 0; r < s.mb; r++) {
    out.push(`(local.set $pa${r} (i32.add ${base} (i32.mul (i32.add ${get('r')} ${i32(r)}) ${get('lda')})))`);
  }
  return out.join('\n');
}

/**
 * mm: C[m][n] = sum_k A[m][k] B[k][n] for m < M (a multiple of MB), k < 2*k2, column vectors
 * v0 <= v < v1 (4 columns each). C is int32 row-major. With idx != 0, the sum runs over the k2
 * pairs listed at idx (int32 pair numbers; the other pairs of A are zero).
 */
function mm(s: Shape): string {
  const block = (sh: Shape, tag: string, cond: string): string => {
    const stores: string[] = [];
    for (let r = 0; r < sh.mb; r++) {
      for (let j = 0; j < sh.nv; j++) {
        stores.push(
          `(v128.store offset=${16 * j} (i32.add ${get('pc')} (i32.mul ${i32(r)} ${get('ldc')})) ${get(`acc${r * sh.nv + j}`)})`,
        );
      }
    }
    return `
(block $${tag}_vdone (loop $${tag}_v
  (br_if $${tag}_vdone ${cond})
  (local.set $r (i32.const 0))
  (block $${tag}_rdone (loop $${tag}_r
    (br_if $${tag}_rdone (i32.ge_s ${get('r')} ${get('m')}))
    ${rowPointers(sh, get('a'))}
    (local.set $pb (i32.add ${get('b')} (i32.shl ${get('v')} ${i32(4)})))
    (local.set $cnt ${get('k2')})
    ${zeroAcc(sh)}
    (if ${get('idx')}
      (then (local.set $pi ${get('idx')}) ${innerLoop(sh, `${tag}_pi`, true)})
      (else ${innerLoop(sh, `${tag}_p`)}))
    (local.set $pc (i32.add (i32.add ${get('c')} (i32.mul ${get('r')} ${get('ldc')})) (i32.shl ${get('v')} ${i32(4)})))
    ${stores.join('\n    ')}
    (local.set $r (i32.add ${get('r')} ${i32(sh.mb)}))
    (br $${tag}_r)))
  (local.set $v (i32.add ${get('v')} ${i32(sh.nv)}))
  (br $${tag}_v)))`;
  };
  return `
(func $mm (export "mm")
  (param $a i32) (param $lda i32) (param $b i32) (param $ldb i32) (param $c i32) (param $ldc i32)
  (param $m i32) (param $k2 i32) (param $v0 i32) (param $v1 i32) (param $idx i32)
  (local $v i32) (local $r i32) (local $cnt i32) (local $pb i32) (local $pc i32) (local $x v128)
  (local $pi i32) (local $q i32) (local $qb i32)
  ${locals('pa', s.mb, 'i32')} ${locals('b', s.nv, 'v128')} ${locals('acc', s.mb * s.nv, 'v128')}
  (local.set $v ${get('v0')})
  ${block(s, 'full', `(i32.gt_s (i32.add ${get('v')} ${i32(s.nv)}) ${get('v1')})`)}
  ${s.nv > 1 ? block({ ...s, nv: 1 }, 'tail', `(i32.ge_s ${get('v')} ${get('v1')})`) : ''}
)`;
}

/** The two low / high int32 lanes of a vector as float64x2. */
const lowF64 = (v: string): string => `(f64x2.convert_low_i32x4_s ${v})`;
const highF64 = (v: string): string =>
  `(f64x2.convert_low_i32x4_s (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 ${v} ${v}))`;

/** Rounds the two f64 lanes of local $d (in place): floor, toward zero, or Math.round (mode 0/1/2). */
function roundInPlace(d: string): string {
  return `(local.set $${d} (if (result v128) (i32.eqz ${get('mode')})
    (then (f64x2.floor ${get(d)}))
    (else (if (result v128) (i32.eq ${get('mode')} ${i32(1)})
      (then (f64x2.trunc ${get(d)}))
      (else
        (local.set $f (f64x2.floor ${get(d)}))
        (f64x2.add ${get('f')} (v128.and (f64x2.ge (f64x2.sub ${get(d)} ${get('f')}) (f64x2.splat (f64.const 0.5))) (f64x2.splat (f64.const 1)))))))))`;
}

/**
 * One vector of 4 weights, inline: g (two f64x2 exact sums, already clamped to the accumulator
 * range) and w (int32x4) -> local $out = clamp(w - round(g * scale), wLo, wHi) as int32x4.
 * The result is an integer within int32, so adding 1.5 * 2^52 leaves it in the low 32 bits of
 * the float64 (a cheaper exact conversion than i32x4.trunc_sat_f64x2_s_zero).
 */
function updateVec(out: string, glo: string, ghi: string, w: string): string {
  return `(local.set $glo (f64x2.mul ${glo} ${get('scaleV')}))
    (local.set $ghi (f64x2.mul ${ghi} ${get('scaleV')}))
    ${roundInPlace('glo')}
    ${roundInPlace('ghi')}
    (local.set $wv ${w})
    (local.set $${out} (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27
      (f64x2.add (f64x2.pmin (f64x2.pmax (f64x2.sub (f64x2.convert_low_i32x4_s ${get('wv')}) ${get('glo')}) ${get('wLoV')}) ${get('wHiV')}) ${get('magic')})
      (f64x2.add (f64x2.pmin (f64x2.pmax (f64x2.sub (f64x2.convert_low_i32x4_s
        (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 ${get('wv')} ${get('wv')})) ${get('ghi')}) ${get('wLoV')}) ${get('wHiV')}) ${get('magic')})))`;
}

/** Clamps two f64x2 to the accumulator range. */
const clampAccF64 = (g: string): string => `(f64x2.pmax (f64x2.pmin ${g} ${get('accHiV')}) ${get('accLoV')})`;

/**
 * grad_update: the weight gradient of rows r0 <= r < r1 (multiples of MB) and column vectors
 * v0 <= v < v1, fused with the update of those weights (with idx != 0, A's rows 2k, 2k+1 are
 * the weight rows 2 idx[k], 2 idx[k] + 1):
 *   g = sum_k A[r][k] B[k][n]  (exact: int32 partial sums over `chunk` pairs, moved to float64)
 *   g = clamp(g, accLo, accHi); d = g * scale; step = floor | trunc | round-half-up (mode 0|1|2)
 *   w = clamp(w - step, wLo, wHi)  (int32, row-major, ldw; only columns < ocount are stored)
 *   S2 (and ST2 when st2 != 0) get the new signs.
 * The arithmetic on g and w is float64, as in the plain TypeScript path.
 */
function gradUpdate(s: Shape): string {
  const block = (sh: Shape, tag: string, cond: string): string => {
    const flush: string[] = [];
    for (let r = 0; r < sh.mb; r++) {
      for (let j = 0; j < sh.nv; j++) {
        const a = get(`acc${r * sh.nv + j}`);
        const off = (r * sh.nv + j) * 32;
        const lo = lowF64(a);
        const hi = highF64(a);
        flush.push(`(if ${get('first')}
      (then (v128.store offset=${off} ${get('scr')} ${lo}) (v128.store offset=${off + 16} ${get('scr')} ${hi}))
      (else (v128.store offset=${off} ${get('scr')} (f64x2.add (v128.load offset=${off} ${get('scr')}) ${lo}))
            (v128.store offset=${off + 16} ${get('scr')} (f64x2.add (v128.load offset=${off + 16} ${get('scr')}) ${hi}))))`);
      }
    }
    const epilogue = (fromAcc: boolean): string => {
      const epi: string[] = [];
      for (let r = 0; r < sh.mb; r += 2) {
        for (let j = 0; j < sh.nv; j++) {
          // New weights of rows r, r+1 (column vector v + j) -> $n0, $n1.
          for (const q of [0, 1]) {
            const off = ((r + q) * sh.nv + j) * 32;
            epi.push(`(local.set $wp (i32.add (i32.add ${get('w')} (i32.mul (i32.add (i32.shl ${get(`rp${r >> 1}`)} ${i32(1)}) ${i32(q)}) ${get('ldw')})) (i32.shl (i32.add ${get('v')} ${i32(j)}) ${i32(4)})))
    ${
      fromAcc
        ? `(local.set $gi (i32x4.max_s (i32x4.min_s ${get(`acc${(r + q) * sh.nv + j}`)} ${get('accHiI')}) ${get('accLoI')}))
    ${updateVec(`n${q}`, lowF64(get('gi')), highF64(get('gi')), `(v128.load ${get('wp')})`)}`
        : updateVec(
            `n${q}`,
            clampAccF64(`(v128.load offset=${off} ${get('scr')})`),
            clampAccF64(`(v128.load offset=${off + 16} ${get('scr')})`),
            `(v128.load ${get('wp')})`,
          )
    }
    (local.set $col (i32.shl (i32.add ${get('v')} ${i32(j)}) ${i32(2)}))
    (if (i32.le_s (i32.add ${get('col')} ${i32(4)}) ${get('ocount')})
      (then (v128.store ${get('wp')} ${get(`n${q}`)}))
      (else (local.set $n${q} (call $store_tail ${get('wp')} ${get(`n${q}`)} (i32.sub ${get('ocount')} ${get('col')})))))`);
          }
          // Signs: -1 / +1 as int16, rows r and r+1 narrowed into one vector [row r | row r+1].
          epi.push(`(local.set $sg (i16x8.narrow_i32x4_s
      (v128.or (i32x4.shr_s ${get('n0')} ${i32(31)}) (v128.const i32x4 1 1 1 1))
      (v128.or (i32x4.shr_s ${get('n1')} ${i32(31)}) (v128.const i32x4 1 1 1 1))))
    (v128.store (i32.add (i32.add ${get('s2')} (i32.mul ${get(`rp${r >> 1}`)} ${get('lds2')})) (i32.shl (i32.add ${get('v')} ${i32(j)}) ${i32(4)}))
      (i8x16.shuffle 0 1 8 9 2 3 10 11 4 5 12 13 6 7 14 15 ${get('sg')} ${get('sg')}))
    (if ${get('st2')} (then
      (local.set $sg (i8x16.shuffle 0 1 2 3 8 9 10 11 4 5 6 7 12 13 14 15 ${get('sg')} ${get('sg')}))
      (local.set $sp (i32.add (i32.add ${get('st2')} (i32.mul (i32.shl (i32.add ${get('v')} ${i32(j)}) ${i32(1)}) ${get('ldst2')})) (i32.shl ${get(`rp${r >> 1}`)} ${i32(3)})))
      (v128.store64_lane 0 ${get('sp')} ${get('sg')})
      (v128.store64_lane 1 (i32.add ${get('sp')} ${get('ldst2')}) ${get('sg')})))`);
        }
      }
      return epi.join('\n    ');
    };
    return `
(block $${tag}_vdone (loop $${tag}_v
  (br_if $${tag}_vdone ${cond})
  (local.set $r ${get('r0')})
  (block $${tag}_rdone (loop $${tag}_r
    (br_if $${tag}_rdone (i32.ge_s ${get('r')} ${get('r1')}))
    ${Array.from(
      { length: sh.mb / 2 },
      (_, k) => `(local.set $rp${k} (if (result i32) ${get('idx')}
      (then (i32.load (i32.add ${get('idx')} (i32.shl (i32.add (i32.shr_u ${get('r')} ${i32(1)}) ${i32(k)}) ${i32(2)}))))
      (else (i32.add (i32.shr_u ${get('r')} ${i32(1)}) ${i32(k)}))))`,
    ).join('\n    ')}
    (if (i32.le_s ${get('k2')} ${get('chunk')})
    (then
      ;; One chunk: the int32 sums are exact; update straight from the accumulators.
      ${rowPointers(sh, get('a'))}
      (local.set $pb (i32.add ${get('b')} (i32.shl ${get('v')} ${i32(4)})))
      (local.set $cnt ${get('k2')})
      ${zeroAcc(sh)}
      ${innerLoop(sh, `${tag}_p1`)}
      ${epilogue(true)})
    (else
      ;; Several chunks: partial sums go to float64 in the scratch block.
      (local.set $p0 (i32.const 0))
      (local.set $first (i32.const 1))
      (block $${tag}_cdone (loop $${tag}_c
        (br_if $${tag}_cdone (i32.ge_s ${get('p0')} ${get('k2')}))
        (local.set $cnt (select (local.get $chunk) (i32.sub ${get('k2')} ${get('p0')}) (i32.lt_s ${get('chunk')} (i32.sub ${get('k2')} ${get('p0')}))))
        ${rowPointers(sh, `(i32.add ${get('a')} (i32.shl ${get('p0')} ${i32(2)}))`)}
        (local.set $pb (i32.add (i32.add ${get('b')} (i32.mul ${get('p0')} ${get('ldb')})) (i32.shl ${get('v')} ${i32(4)})))
        (local.set $p0 (i32.add ${get('p0')} ${get('cnt')}))
        ${zeroAcc(sh)}
        ${innerLoop(sh, `${tag}_p2`)}
        ${flush.join('\n        ')}
        (local.set $first (i32.const 0))
        (br $${tag}_c)))
      ${epilogue(false)}))
    (local.set $r (i32.add ${get('r')} ${i32(sh.mb)}))
    (br $${tag}_r)))
  (local.set $v (i32.add ${get('v')} ${i32(sh.nv)}))
  (br $${tag}_v)))`;
  };
  return `
;; Stores the first n (1..3) lanes of w at p; returns w with the other lanes zeroed.
(func $store_tail (param $p i32) (param $w v128) (param $n i32) (result v128)
  (v128.store32_lane 0 ${get('p')} ${get('w')})
  (if (i32.ge_s ${get('n')} ${i32(2)}) (then (v128.store32_lane offset=4 1 ${get('p')} ${get('w')})))
  (if (i32.ge_s ${get('n')} ${i32(3)}) (then (v128.store32_lane offset=8 2 ${get('p')} ${get('w')})))
  (v128.and ${get('w')} (i32x4.lt_s (v128.const i32x4 0 1 2 3) (i32x4.splat ${get('n')}))))

(func $grad_update (export "grad_update")
  (param $a i32) (param $lda i32) (param $b i32) (param $ldb i32) (param $k2 i32) (param $chunk i32)
  (param $r0 i32) (param $r1 i32) (param $v0 i32) (param $v1 i32)
  (param $w i32) (param $ldw i32) (param $ocount i32)
  (param $s2 i32) (param $lds2 i32) (param $st2 i32) (param $ldst2 i32) (param $scr i32)
  (param $mode i32) (param $accLo f64) (param $accHi f64) (param $scale f64) (param $wLo f64) (param $wHi f64)
  (param $idx i32)
  ${locals('rp', s.mb / 2, 'i32')}
  (local $v i32) (local $r i32) (local $cnt i32) (local $pb i32) (local $p0 i32) (local $first i32)
  (local $wp i32) (local $sp i32) (local $col i32) (local $x v128) (local $n0 v128) (local $n1 v128) (local $sg v128)
  (local $glo v128) (local $ghi v128) (local $wv v128) (local $f v128) (local $gi v128) (local $magic v128)
  (local $accLoI v128) (local $accHiI v128)
  (local $accLoV v128) (local $accHiV v128) (local $scaleV v128) (local $wLoV v128) (local $wHiV v128)
  ${locals('pa', s.mb, 'i32')} ${locals('b', s.nv, 'v128')} ${locals('acc', s.mb * s.nv, 'v128')}
  (local.set $accLoV (f64x2.splat ${get('accLo')}))
  (local.set $accHiV (f64x2.splat ${get('accHi')}))
  (local.set $scaleV (f64x2.splat ${get('scale')}))
  (local.set $wLoV (f64x2.splat ${get('wLo')}))
  (local.set $wHiV (f64x2.splat ${get('wHi')}))
  (local.set $magic (f64x2.splat (f64.const 6755399441055744)))
  ;; The accumulator range as int32 bounds (wider ranges saturate to the int32 ones).
  (local.set $accLoI (i32x4.splat (i32.trunc_sat_f64_s ${get('accLo')})))
  (local.set $accHiI (i32x4.splat (i32.trunc_sat_f64_s ${get('accHi')})))
  (local.set $v ${get('v0')})
  ${block(s, 'full', `(i32.gt_s (i32.add ${get('v')} ${i32(s.nv)}) ${get('v1')})`)}
  ${s.nv > 1 ? block({ ...s, nv: 1 }, 'tail', `(i32.ge_s ${get('v')} ${get('v1')})`) : ''}
)`;
}

/**
 * tanh_fwd: hidden activations of a batch. z = clamp(C[b][o], accLo, accHi) (int32 bounds),
 * h = lut[clamp(z >> shift, lo, hi) - lo]; h is written row-major (H, ldh) and transposed
 * (HT[o][b], ldht) as int16. Two samples and four columns at a time (the table look-ups are
 * scalar); HT gets the pair (h[b][o], h[b+1][o]) as one 32-bit word.
 */
function lutLanes(): string {
  const out: string[] = [];
  for (let k = 0; k < 4; k++) {
    const body = `(local.set $h0 (i32.load16_s (i32.add ${get('lut')} (i32x4.extract_lane ${k} ${get('z0')}))))
        (local.set $h1 (select (i32.load16_s (i32.add ${get('lut')} (i32x4.extract_lane ${k} ${get('z1')}))) ${i32(0)} ${get('two')}))
        (i32.store16 offset=${2 * k} ${get('ph')} ${get('h0')})
        (if ${get('two')} (then (i32.store16 offset=${2 * k} (i32.add ${get('ph')} ${get('ldh')}) ${get('h1')})))
        (i32.store (i32.add ${get('pt')} (i32.mul ${i32(k)} ${get('ldht')})) (i32.or (i32.and ${get('h0')} ${i32(0xffff)}) (i32.shl ${get('h1')} ${i32(16)})))`;
    out.push(k === 0 ? body : `(if (i32.lt_s (i32.add ${get('o')} ${i32(k)}) ${get('cols')}) (then ${body}))`);
  }
  return out.join('\n        ');
}

const TANH_FWD = `
(func $tanh_fwd (export "tanh_fwd")
  (param $c i32) (param $ldc i32) (param $rows i32) (param $cols i32) (param $accLo i32) (param $accHi i32)
  (param $shift i32) (param $lut i32) (param $lo i32) (param $hi i32)
  (param $h i32) (param $ldh i32) (param $ht i32) (param $ldht i32)
  (local $b i32) (local $o i32) (local $two i32) (local $h0 i32) (local $h1 i32) (local $pc i32) (local $ph i32) (local $pt i32)
  (local $z0 v128) (local $z1 v128) (local $accLoV v128) (local $accHiV v128) (local $loV v128) (local $hiV v128)
  (local.set $accLoV (i32x4.splat ${get('accLo')}))
  (local.set $accHiV (i32x4.splat ${get('accHi')}))
  (local.set $loV (i32x4.splat ${get('lo')}))
  (local.set $hiV (i32x4.splat ${get('hi')}))
  (block $bdone (loop $bl
    (br_if $bdone (i32.ge_s ${get('b')} ${get('rows')}))
    (local.set $two (i32.lt_s (i32.add ${get('b')} ${i32(1)}) ${get('rows')}))
    (local.set $pc (i32.add ${get('c')} (i32.mul ${get('b')} ${get('ldc')})))
    (local.set $ph (i32.add ${get('h')} (i32.mul ${get('b')} ${get('ldh')})))
    (local.set $pt (i32.add ${get('ht')} (i32.shl ${get('b')} ${i32(1)})))
    (local.set $o (i32.const 0))
    (block $odone (loop $ol
      (br_if $odone (i32.ge_s ${get('o')} ${get('cols')}))
      ;; Byte offsets into the table: (clamp(clamp(z) >> shift, lo, hi) - lo) * 2.
      (local.set $z0 (i32x4.shl (i32x4.sub (i32x4.min_s (i32x4.max_s (i32x4.shr_s
        (i32x4.min_s (i32x4.max_s (v128.load ${get('pc')}) ${get('accLoV')}) ${get('accHiV')}) ${get('shift')}) ${get('loV')}) ${get('hiV')}) ${get('loV')}) ${i32(1)}))
      (local.set $z1 (v128.const i32x4 0 0 0 0))
      (if ${get('two')} (then
        (local.set $z1 (i32x4.shl (i32x4.sub (i32x4.min_s (i32x4.max_s (i32x4.shr_s
          (i32x4.min_s (i32x4.max_s (v128.load (i32.add ${get('pc')} ${get('ldc')})) ${get('accLoV')}) ${get('accHiV')}) ${get('shift')}) ${get('loV')}) ${get('hiV')}) ${get('loV')}) ${i32(1)}))))
      ${lutLanes()}
      (local.set $pc (i32.add ${get('pc')} ${i32(16)}))
      (local.set $ph (i32.add ${get('ph')} ${i32(8)}))
      (local.set $pt (i32.add ${get('pt')} (i32.shl ${get('ldht')} ${i32(2)})))
      (local.set $o (i32.add ${get('o')} ${i32(4)}))
      (br $ol)))
    (local.set $b (i32.add ${get('b')} ${i32(2)}))
    (br $bl)))
)`;

/**
 * tanh_bwd: errors through tanh. e = clamp((D[b][i] * (2^frac - ((h*h) >> frac))) >> frac,
 * eLo, eHi) (int64 products, exact), written as int16 row-major (E, lde) and pair-interleaved
 * over samples (E2: row b/2, int16 pair (e[b even], e[b odd]) per column, lde2). Two samples
 * and four columns at a time; columns from `cols` up to the next multiple of 4 get zeros (the
 * padding of E and E2 must stay zero), and so does the odd sample of an odd last pair in E2.
 */
function errVec(pd: string, ph: string): string {
  const clamp = (
    v: string,
  ): string => `(local.set ${v} (v128.bitselect ${get('eLoV')} ${get(v.slice(1))} (i64x2.lt_s ${get(v.slice(1))} ${get('eLoV')})))
        (local.set ${v} (v128.bitselect ${get('eHiV')} ${get(v.slice(1))} (i64x2.gt_s ${get(v.slice(1))} ${get('eHiV')})))`;
  return `(local.set $hv (v128.load16x4_s ${ph}))
        (local.set $dv (v128.load ${pd}))
        (local.set $hv (i32x4.sub ${get('sV')} (i32x4.shr_s (i32x4.mul ${get('hv')} ${get('hv')}) ${get('frac')})))
        (local.set $lo (i64x2.shr_s (i64x2.extmul_low_i32x4_s ${get('dv')} ${get('hv')}) ${get('frac')}))
        (local.set $hi (i64x2.shr_s (i64x2.extmul_high_i32x4_s ${get('dv')} ${get('hv')}) ${get('frac')}))
        ${clamp('$lo')}
        ${clamp('$hi')}
        (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 ${get('lo')} ${get('hi')})`;
}

const TANH_BWD = `
(func $tanh_bwd (export "tanh_bwd")
  (param $d i32) (param $ldd i32) (param $h i32) (param $ldh i32) (param $rows i32) (param $cols i32)
  (param $frac i32) (param $eLo i32) (param $eHi i32) (param $e i32) (param $lde i32) (param $e2 i32) (param $lde2 i32)
  (local $b i32) (local $i i32) (local $two i32) (local $pd i32) (local $ph i32) (local $pe i32) (local $p2 i32)
  (local $hv v128) (local $dv v128) (local $lo v128) (local $hi v128) (local $v0 v128) (local $v1 v128) (local $n v128)
  (local $sV v128) (local $eLoV v128) (local $eHiV v128)
  (local.set $sV (i32x4.splat (i32.shl ${i32(1)} ${get('frac')})))
  (local.set $eLoV (i64x2.splat (i64.extend_i32_s ${get('eLo')})))
  (local.set $eHiV (i64x2.splat (i64.extend_i32_s ${get('eHi')})))
  (block $bdone (loop $bl
    (br_if $bdone (i32.ge_s ${get('b')} ${get('rows')}))
    (local.set $two (i32.lt_s (i32.add ${get('b')} ${i32(1)}) ${get('rows')}))
    (local.set $pd (i32.add ${get('d')} (i32.mul ${get('b')} ${get('ldd')})))
    (local.set $ph (i32.add ${get('h')} (i32.mul ${get('b')} ${get('ldh')})))
    (local.set $pe (i32.add ${get('e')} (i32.mul ${get('b')} ${get('lde')})))
    (local.set $p2 (i32.add ${get('e2')} (i32.mul (i32.shr_u ${get('b')} ${i32(1)}) ${get('lde2')})))
    (local.set $i (i32.const 0))
    (block $idone (loop $il
      (br_if $idone (i32.ge_s ${get('i')} ${get('cols')}))
      (local.set $v0 ${errVec(`(i32.add ${get('pd')} (i32.shl ${get('i')} ${i32(2)}))`, `(i32.add ${get('ph')} (i32.shl ${get('i')} ${i32(1)}))`)})
      (local.set $v1 (v128.const i32x4 0 0 0 0))
      (if ${get('two')} (then
        (local.set $v1 ${errVec(`(i32.add (i32.add ${get('pd')} ${get('ldd')}) (i32.shl ${get('i')} ${i32(2)}))`, `(i32.add (i32.add ${get('ph')} ${get('ldh')}) (i32.shl ${get('i')} ${i32(1)}))`)})))
      (if (i32.gt_s (i32.add ${get('i')} ${i32(4)}) ${get('cols')}) (then
        (local.set $n (i32x4.lt_s (v128.const i32x4 0 1 2 3) (i32x4.splat (i32.sub ${get('cols')} ${get('i')}))))
        (local.set $v0 (v128.and ${get('v0')} ${get('n')}))
        (local.set $v1 (v128.and ${get('v1')} ${get('n')}))))
      (local.set $n (i16x8.narrow_i32x4_s ${get('v0')} ${get('v1')}))
      (v128.store64_lane 0 (i32.add ${get('pe')} (i32.shl ${get('i')} ${i32(1)})) ${get('n')})
      (if ${get('two')} (then (v128.store64_lane 1 (i32.add (i32.add ${get('pe')} ${get('lde')}) (i32.shl ${get('i')} ${i32(1)})) ${get('n')})))
      (v128.store (i32.add ${get('p2')} (i32.shl ${get('i')} ${i32(2)}))
        (i8x16.shuffle 0 1 8 9 2 3 10 11 4 5 12 13 6 7 14 15 ${get('n')} ${get('n')}))
      (local.set $i (i32.add ${get('i')} ${i32(4)}))
      (br $il)))
    (local.set $b (i32.add ${get('b')} ${i32(2)}))
    (br $bl)))
)`;

/**
 * active_pairs: the pairs of columns (int32 words) of A (rows x 2 pairs, ldx) that are not zero
 * in every row, listed at `list` (ascending); returns their number, made even by adding one
 * all-zero pair when needed (there is one: `pairs` is even). `mask` is scratch (pairs x 4 bytes,
 * rounded up to 16, plus 16). Rows must be readable 16 bytes past 2 * pairs int16.
 */
const ACTIVE_PAIRS = `
(func $active_pairs (export "active_pairs")
  (param $x i32) (param $ldx i32) (param $rows i32) (param $pairs i32) (param $mask i32) (param $list i32) (result i32)
  (local $b i32) (local $c i32) (local $px i32) (local $n i32) (local $p i32) (local $vecs i32)
  (local.set $vecs (i32.shr_u (i32.add ${get('pairs')} ${i32(3)}) ${i32(2)}))
  (memory.fill ${get('mask')} ${i32(0)} (i32.shl ${get('vecs')} ${i32(4)}))
  (block $bdone (loop $bl
    (br_if $bdone (i32.ge_s ${get('b')} ${get('rows')}))
    (local.set $px (i32.add ${get('x')} (i32.mul ${get('b')} ${get('ldx')})))
    (local.set $c (i32.const 0))
    (block $cdone (loop $cl
      (br_if $cdone (i32.ge_s ${get('c')} ${get('vecs')}))
      (v128.store (i32.add ${get('mask')} (i32.shl ${get('c')} ${i32(4)}))
        (v128.or (v128.load (i32.add ${get('mask')} (i32.shl ${get('c')} ${i32(4)}))) (v128.load (i32.add ${get('px')} (i32.shl ${get('c')} ${i32(4)})))))
      (local.set $c (i32.add ${get('c')} ${i32(1)}))
      (br $cl)))
    (local.set $b (i32.add ${get('b')} ${i32(1)}))
    (br $bl)))
  (block $pdone (loop $pl
    (br_if $pdone (i32.ge_s ${get('p')} ${get('pairs')}))
    (if (i32.load (i32.add ${get('mask')} (i32.shl ${get('p')} ${i32(2)})))
      (then
        (i32.store (i32.add ${get('list')} (i32.shl ${get('n')} ${i32(2)})) ${get('p')})
        (local.set $n (i32.add ${get('n')} ${i32(1)}))))
    (local.set $p (i32.add ${get('p')} ${i32(1)}))
    (br $pl)))
  (if (i32.and ${get('n')} ${i32(1)}) (then
    (local.set $p (i32.const 0))
    (block $zdone (loop $zl
      (br_if $zdone (i32.eqz (i32.load (i32.add ${get('mask')} (i32.shl ${get('p')} ${i32(2)})))))
      (local.set $p (i32.add ${get('p')} ${i32(1)}))
      (br $zl)))
    (i32.store (i32.add ${get('list')} (i32.shl ${get('n')} ${i32(2)})) ${get('p')})
    (local.set $n (i32.add ${get('n')} ${i32(1)}))))
  ${get('n')}
)`;

/**
 * gather_pairs_t: the listed pairs of columns of A (rows x .., ldx), transposed: row 2k of XT
 * (ldxt) is column 2 list[k] of A, row 2k + 1 column 2 list[k] + 1, for k < n (int16).
 */
const GATHER_PAIRS_T = `
(func $gather_pairs_t (export "gather_pairs_t")
  (param $x i32) (param $ldx i32) (param $rows i32) (param $list i32) (param $n i32) (param $xt i32) (param $ldxt i32)
  (local $k i32) (local $b i32) (local $v i32) (local $ps i32) (local $pd i32)
  (block $kdone (loop $kl
    (br_if $kdone (i32.ge_s ${get('k')} ${get('n')}))
    (local.set $ps (i32.add ${get('x')} (i32.shl (i32.load (i32.add ${get('list')} (i32.shl ${get('k')} ${i32(2)}))) ${i32(2)})))
    (local.set $pd (i32.add ${get('xt')} (i32.mul (i32.shl ${get('k')} ${i32(1)}) ${get('ldxt')})))
    (local.set $b (i32.const 0))
    (block $bdone (loop $bl
      (br_if $bdone (i32.ge_s ${get('b')} ${get('rows')}))
      (local.set $v (i32.load ${get('ps')}))
      (i32.store16 (i32.add ${get('pd')} (i32.shl ${get('b')} ${i32(1)})) ${get('v')})
      (i32.store16 (i32.add (i32.add ${get('pd')} ${get('ldxt')}) (i32.shl ${get('b')} ${i32(1)})) (i32.shr_u ${get('v')} ${i32(16)}))
      (local.set $ps (i32.add ${get('ps')} ${get('ldx')}))
      (local.set $b (i32.add ${get('b')} ${i32(1)}))
      (br $bl)))
    (local.set $k (i32.add ${get('k')} ${i32(1)}))
    (br $kl)))
)`;

/** The whole module: imports a shared memory (for the worker threads), exports the kernels. */
export function kernelsWat(shape: Shape = { mb: MB, nv: NV }): string {
  if (shape.mb % 2 !== 0) throw new RangeError('MB must be even (sign pairs of weight rows)');
  return `(module
(import "env" "memory" (memory 1 16384 shared))
${mm(shape)}
${gradUpdate(shape)}
${TANH_FWD}
${TANH_BWD}
${ACTIVE_PAIRS}
${GATHER_PAIRS_T}
)
`;
}
