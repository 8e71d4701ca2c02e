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
  for (let r = 0; r < s.mb; r++) for (let j = 0; j < s.nv; j++) out.push(`(local.set $acc${r * s.nv + j} (v128.const i32x4 0 0 0 0))`);
  return out.join('\n');
}

/**
 * The inner product loop over `$cnt` pairs: A row pointers $pa0.. (advance 4 bytes per pair),
 * B2 pointer $pb (advances $ldb per pair), accumulators $acc.
 */
function innerLoop(s: Shape, label: string): string {
  const body: string[] = [];
  const inline = s.inlineB ?? false;
  if (!inline) for (let j = 0; j < s.nv; j++) body.push(`(local.set $b${j} (v128.load offset=${16 * j} ${get('pb')}))`);
  for (let r = 0; r < s.mb; r++) {
    body.push(`(local.set $x (v128.load32_splat ${get(`pa${r}`)}))`);
    for (let j = 0; j < s.nv; j++) {
      const a = `acc${r * s.nv + j}`;
      const b = inline ? `(v128.load offset=${16 * j} ${get('pb')})` : get(`b${j}`);
      body.push(`(local.set $${a} (i32x4.add ${get(a)} (i32x4.dot_i16x8_s ${get('x')} ${b})))`);
    }
  }
  for (let r = 0; r < s.mb; r++) body.push(`(local.set $pa${r} (i32.add ${get(`pa${r}`)} ${i32(4)}))`);
  body.push(`(local.set $pb (i32.add ${get('pb')} ${get('ldb')}))`);
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
 * v0 <= v < v1 (4 columns each). C is int32 row-major.
 */
function mm(s: Shape): string {
  const block = (sh: Shape, tag: string, cond: string): string => {
    const stores: string[] = [];
    for (let r = 0; r < sh.mb; r++) {
      for (let j = 0; j < sh.nv; j++) {
        stores.push(`(v128.store offset=${16 * j} (i32.add ${get('pc')} (i32.mul ${i32(r)} ${get('ldc')})) ${get(`acc${r * sh.nv + j}`)})`);
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
    ${innerLoop(sh, `${tag}_p`)}
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
  (param $m i32) (param $k2 i32) (param $v0 i32) (param $v1 i32)
  (local $v i32) (local $r i32) (local $cnt i32) (local $pb i32) (local $pc i32) (local $x v128)
  ${locals('pa', s.mb, 'i32')} ${locals('b', s.nv, 'v128')} ${locals('acc', s.mb * s.nv, 'v128')}
  (local.set $v ${get('v0')})
  ${block(s, 'full', `(i32.gt_s (i32.add ${get('v')} ${i32(s.nv)}) ${get('v1')})`)}
  ${s.nv > 1 ? block({ ...s, nv: 1 }, 'tail', `(i32.ge_s ${get('v')} ${get('v1')})`) : ''}
)`;
}

/** The two low / high int32 lanes of a vector as float64x2. */
const lowF64 = (v: string): string => `(f64x2.convert_low_i32x4_s ${v})`;
const highF64 = (v: string): string => `(f64x2.convert_low_i32x4_s (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 ${v} ${v}))`;

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
 * One vector of 4 weights, inline: g (two f64x2 exact sums) and w (int32x4) -> local $out =
 * clamp(w - round(clamp(g, acc) * scale), wLo, wHi) as int32x4.
 */
function updateVec(out: string, glo: string, ghi: string, w: string): string {
  return `(local.set $glo (f64x2.mul (f64x2.pmax (f64x2.pmin ${glo} ${get('accHiV')}) ${get('accLoV')}) ${get('scaleV')}))
    (local.set $ghi (f64x2.mul (f64x2.pmax (f64x2.pmin ${ghi} ${get('accHiV')}) ${get('accLoV')}) ${get('scaleV')}))
    ${roundInPlace('glo')}
    ${roundInPlace('ghi')}
    (local.set $wv ${w})
    (local.set $${out} (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
      (i32x4.trunc_sat_f64x2_s_zero (f64x2.pmin (f64x2.pmax (f64x2.sub (f64x2.convert_low_i32x4_s ${get('wv')}) ${get('glo')}) ${get('wLoV')}) ${get('wHiV')}))
      (i32x4.trunc_sat_f64x2_s_zero (f64x2.pmin (f64x2.pmax (f64x2.sub (f64x2.convert_low_i32x4_s
        (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 ${get('wv')} ${get('wv')})) ${get('ghi')}) ${get('wLoV')}) ${get('wHiV')}))))`;
}

/**
 * grad_update: the weight gradient of rows r0 <= r < r1 (multiples of MB) and column vectors
 * v0 <= v < v1, fused with the update of those weights:
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
          epi.push(`(local.set $wp (i32.add (i32.add ${get('w')} (i32.mul (i32.add ${get('r')} ${i32(r + q)}) ${get('ldw')})) (i32.shl (i32.add ${get('v')} ${i32(j)}) ${i32(4)})))
    ${fromAcc ? updateVec(`n${q}`, lowF64(get(`acc${(r + q) * sh.nv + j}`)), highF64(get(`acc${(r + q) * sh.nv + j}`)), `(v128.load ${get('wp')})`)
    : updateVec(`n${q}`, `(v128.load offset=${off} ${get('scr')})`, `(v128.load offset=${off + 16} ${get('scr')})`, `(v128.load ${get('wp')})`)}
    (local.set $col (i32.shl (i32.add ${get('v')} ${i32(j)}) ${i32(2)}))
    (if (i32.le_s (i32.add ${get('col')} ${i32(4)}) ${get('ocount')})
      (then (v128.store ${get('wp')} ${get(`n${q}`)}))
      (else (local.set $n${q} (call $store_tail ${get('wp')} ${get(`n${q}`)} (i32.sub ${get('ocount')} ${get('col')})))))`);
        }
        // Signs: -1 / +1 as int16, rows r and r+1 narrowed into one vector [row r | row r+1].
        epi.push(`(local.set $sg (i16x8.narrow_i32x4_s
      (v128.or (i32x4.shr_s ${get('n0')} ${i32(31)}) (v128.const i32x4 1 1 1 1))
      (v128.or (i32x4.shr_s ${get('n1')} ${i32(31)}) (v128.const i32x4 1 1 1 1))))
    (v128.store (i32.add (i32.add ${get('s2')} (i32.mul (i32.shr_u (i32.add ${get('r')} ${i32(r)}) ${i32(1)}) ${get('lds2')})) (i32.shl (i32.add ${get('v')} ${i32(j)}) ${i32(4)}))
      (i8x16.shuffle 0 1 8 9 2 3 10 11 4 5 12 13 6 7 14 15 ${get('sg')} ${get('sg')}))
    (if ${get('st2')} (then
      (local.set $sg (i8x16.shuffle 0 1 2 3 8 9 10 11 4 5 6 7 12 13 14 15 ${get('sg')} ${get('sg')}))
      (local.set $sp (i32.add (i32.add ${get('st2')} (i32.mul (i32.shl (i32.add ${get('v')} ${i32(j)}) ${i32(1)}) ${get('ldst2')})) (i32.shl (i32.add ${get('r')} ${i32(r)}) ${i32(2)})))
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
  (local $v i32) (local $r i32) (local $cnt i32) (local $pb i32) (local $p0 i32) (local $first i32)
  (local $wp i32) (local $sp i32) (local $col i32) (local $x v128) (local $n0 v128) (local $n1 v128) (local $sg v128)
  (local $glo v128) (local $ghi v128) (local $wv v128) (local $f v128)
  (local $accLoV v128) (local $accHiV v128) (local $scaleV v128) (local $wLoV v128) (local $wHiV v128)
  ${locals('pa', s.mb, 'i32')} ${locals('b', s.nv, 'v128')} ${locals('acc', s.mb * s.nv, 'v128')}
  (local.set $accLoV (f64x2.splat ${get('accLo')}))
  (local.set $accHiV (f64x2.splat ${get('accHi')}))
  (local.set $scaleV (f64x2.splat ${get('scale')}))
  (local.set $wLoV (f64x2.splat ${get('wLo')}))
  (local.set $wHiV (f64x2.splat ${get('wHi')}))
  (local.set $v ${get('v0')})
  ${block(s, 'full', `(i32.gt_s (i32.add ${get('v')} ${i32(s.nv)}) ${get('v1')})`)}
  ${s.nv > 1 ? block({ ...s, nv: 1 }, 'tail', `(i32.ge_s ${get('v')} ${get('v1')})`) : ''}
)`;
}

/**
 * tanh_fwd: hidden activations of a batch. z = clamp(C[b][o], accLo, accHi) (int32 bounds),
 * h = lut[clamp(z >> shift, lo, hi) - lo]; h is written row-major (H, ldh) and transposed
 * (HT[o][b], ldht) as int16.
 */
const TANH_FWD = `
(func $tanh_fwd (export "tanh_fwd")
  (param $c i32) (param $ldc i32) (param $rows i32) (param $cols i32) (param $accLo i32) (param $accHi i32)
  (param $shift i32) (param $lut i32) (param $lo i32) (param $hi i32)
  (param $h i32) (param $ldh i32) (param $ht i32) (param $ldht i32)
  (local $b i32) (local $o i32) (local $z i32) (local $hv i32) (local $pc i32) (local $ph i32) (local $pt i32)
  (block $bdone (loop $bl
    (br_if $bdone (i32.ge_s ${get('b')} ${get('rows')}))
    (local.set $pc (i32.add ${get('c')} (i32.mul ${get('b')} ${get('ldc')})))
    (local.set $ph (i32.add ${get('h')} (i32.mul ${get('b')} ${get('ldh')})))
    (local.set $pt (i32.add ${get('ht')} (i32.shl ${get('b')} ${i32(1)})))
    (local.set $o (i32.const 0))
    (block $odone (loop $ol
      (br_if $odone (i32.ge_s ${get('o')} ${get('cols')}))
      (local.set $z (i32.load (i32.add ${get('pc')} (i32.shl ${get('o')} ${i32(2)}))))
      (local.set $z (select ${get('accLo')} ${get('z')} (i32.lt_s ${get('z')} ${get('accLo')})))
      (local.set $z (select ${get('accHi')} ${get('z')} (i32.gt_s ${get('z')} ${get('accHi')})))
      (local.set $z (i32.shr_s ${get('z')} ${get('shift')}))
      (local.set $z (select ${get('lo')} ${get('z')} (i32.lt_s ${get('z')} ${get('lo')})))
      (local.set $z (select ${get('hi')} ${get('z')} (i32.gt_s ${get('z')} ${get('hi')})))
      (local.set $hv (i32.load16_s (i32.add ${get('lut')} (i32.shl (i32.sub ${get('z')} ${get('lo')}) ${i32(1)}))))
      (i32.store16 (i32.add ${get('ph')} (i32.shl ${get('o')} ${i32(1)})) ${get('hv')})
      (i32.store16 ${get('pt')} ${get('hv')})
      (local.set $pt (i32.add ${get('pt')} ${get('ldht')}))
      (local.set $o (i32.add ${get('o')} ${i32(1)}))
      (br $ol)))
    (local.set $b (i32.add ${get('b')} ${i32(1)}))
    (br $bl)))
)`;

/**
 * tanh_bwd: errors through tanh. e = clamp((D[b][i] * (2^frac - ((h*h) >> frac))) >> frac,
 * eLo, eHi) (int64 product, exact), written as int16 row-major (E, lde) and pair-interleaved
 * over samples (E2: row b/2, int16 pair (e[b even], e[b odd]) per column, lde2).
 */
const TANH_BWD = `
(func $tanh_bwd (export "tanh_bwd")
  (param $d i32) (param $ldd i32) (param $h i32) (param $ldh i32) (param $rows i32) (param $cols i32)
  (param $frac i32) (param $eLo i32) (param $eHi i32) (param $e i32) (param $lde i32) (param $e2 i32) (param $lde2 i32)
  (local $b i32) (local $i i32) (local $hv i32) (local $ev i64) (local $pd i32) (local $ph i32) (local $pe i32) (local $p2 i32)
  (block $bdone (loop $bl
    (br_if $bdone (i32.ge_s ${get('b')} ${get('rows')}))
    (local.set $pd (i32.add ${get('d')} (i32.mul ${get('b')} ${get('ldd')})))
    (local.set $ph (i32.add ${get('h')} (i32.mul ${get('b')} ${get('ldh')})))
    (local.set $pe (i32.add ${get('e')} (i32.mul ${get('b')} ${get('lde')})))
    (local.set $p2 (i32.add (i32.add ${get('e2')} (i32.mul (i32.shr_u ${get('b')} ${i32(1)}) ${get('lde2')})) (i32.shl (i32.and ${get('b')} ${i32(1)}) ${i32(1)})))
    (local.set $i (i32.const 0))
    (block $idone (loop $il
      (br_if $idone (i32.ge_s ${get('i')} ${get('cols')}))
      (local.set $hv (i32.load16_s (i32.add ${get('ph')} (i32.shl ${get('i')} ${i32(1)}))))
      (local.set $ev (i64.shr_s
        (i64.mul (i64.extend_i32_s (i32.load (i32.add ${get('pd')} (i32.shl ${get('i')} ${i32(2)}))))
                 (i64.extend_i32_s (i32.sub (i32.shl ${i32(1)} ${get('frac')}) (i32.shr_s (i32.mul ${get('hv')} ${get('hv')}) ${get('frac')}))))
        (i64.extend_i32_s ${get('frac')})))
      (local.set $ev (select (i64.extend_i32_s ${get('eLo')}) ${get('ev')} (i64.lt_s ${get('ev')} (i64.extend_i32_s ${get('eLo')}))))
      (local.set $ev (select (i64.extend_i32_s ${get('eHi')}) ${get('ev')} (i64.gt_s ${get('ev')} (i64.extend_i32_s ${get('eHi')}))))
      (i32.store16 (i32.add ${get('pe')} (i32.shl ${get('i')} ${i32(1)})) (i32.wrap_i64 ${get('ev')}))
      (i32.store16 (i32.add ${get('p2')} (i32.shl ${get('i')} ${i32(2)})) (i32.wrap_i64 ${get('ev')}))
      (local.set $i (i32.add ${get('i')} ${i32(1)}))
      (br $il)))
    (local.set $b (i32.add ${get('b')} ${i32(1)}))
    (br $bl)))
)`;

/** transpose16: dst[c][r] = src[r][c] for r < rows, c < cols (int16). */
const TRANSPOSE = `
(func $transpose16 (export "transpose16")
  (param $src i32) (param $lds i32) (param $dst i32) (param $ldd i32) (param $rows i32) (param $cols i32)
  (local $r i32) (local $c i32) (local $ps i32) (local $pd i32)
  (block $rdone (loop $rl
    (br_if $rdone (i32.ge_s ${get('r')} ${get('rows')}))
    (local.set $ps (i32.add ${get('src')} (i32.mul ${get('r')} ${get('lds')})))
    (local.set $pd (i32.add ${get('dst')} (i32.shl ${get('r')} ${i32(1)})))
    (local.set $c (i32.const 0))
    (block $cdone (loop $cl
      (br_if $cdone (i32.ge_s ${get('c')} ${get('cols')}))
      (i32.store16 ${get('pd')} (i32.load16_s (i32.add ${get('ps')} (i32.shl ${get('c')} ${i32(1)}))))
      (local.set $pd (i32.add ${get('pd')} ${get('ldd')}))
      (local.set $c (i32.add ${get('c')} ${i32(1)}))
      (br $cl)))
    (local.set $r (i32.add ${get('r')} ${i32(1)}))
    (br $rl)))
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
${TRANSPOSE}
)
`;
}
