// AssemblyScript source of the WebAssembly SIMD (f32x4) cell-programming loops of the crossbar
// (the hot path of CrossbarMatrixOp.sync without programming variation and with identity
// permutations). Built by src/kernels/wasm/build.mjs (`npm run build:wasm`) into program_wasm.ts (base64). Memory is
// the kernels' memory (imported as env.memory); every pointer is a byte address into it.
//
// Same formulas as src/crossbar/program_kernels.ts, in float32 arithmetic, branch-free over
// 4 slots at a time (the sign of w decides which cell of a pair changes; a branchy loop
// mispredicts on random signs):
//   t = clamp(w / wMax, −1, 1)                         (|w| > wMax counted as clipped)
//   differential: uP* = max(t, 0), uN* = max(−t, 0);  offset: u* = (t + 1)·0.5
//   levels L > 0: u* = nearest(u*·(L−1)) / (L−1)       (nearest = round half to even)
//   a healthy slot's cell whose u* ≠ u (u = NaN before the first write) is written: u ← u*,
//   writes[cell] += 1; W_eff = wMax·(uP − uN) or wMax·(2u − 1).
// Slots with kind ≠ 0 (a stuck cell) are left untouched (the JS special path handles them).
// Returns the number of cell writes; the number of clipped weights is `lastClipped()`.

let clippedOut: i32 = 0;

export function lastClipped(): i32 {
  return clippedOut;
}

@inline
function healthyMask(kind: usize): v128 {
  const k = v128.load32_zero(kind);
  return i32x4.eq(i32x4.extend_low_i16x8_u(i16x8.extend_low_i8x16_u(k)), i32x4.splat(0));
}

@inline
function quant(u: v128, lm: v128, on: bool): v128 {
  return on ? f32x4.div(f32x4.nearest(f32x4.mul(u, lm)), lm) : u;
}

@inline
function quantS(u: f32, lm: f32, on: bool): f32 {
  return on ? nearest<f32>(u * lm) / lm : u;
}

export function programDifferential(
  val: usize, kind: usize, uP: usize, uN: usize, wP: usize, wN: usize, wEff: usize,
  n: i32, wMax: f32, levels: i32,
): i32 {
  const vW = f32x4.splat(wMax), one = f32x4.splat(1), mone = f32x4.splat(-1), zero = f32x4.splat(0);
  const on = levels > 0;
  const lmS: f32 = <f32>(levels - 1);
  const lm = f32x4.splat(lmS);
  let acc = i32x4.splat(0), clip = i32x4.splat(0);
  let i: i32 = 0;
  for (; i + 4 <= n; i += 4) {
    const o4: usize = <usize>i << 2;
    const h = healthyMask(kind + <usize>i);
    const w = v128.load(val + o4);
    const t = f32x4.min(f32x4.max(f32x4.div(w, vW), mone), one);
    clip = i32x4.sub(clip, v128.and(f32x4.gt(f32x4.abs(w), vW), h));
    const p = quant(f32x4.max(t, zero), lm, on);
    const q = quant(f32x4.max(f32x4.neg(t), zero), lm, on);
    const oP = v128.load(uP + o4), oN = v128.load(uN + o4);
    const cp = v128.and(f32x4.ne(p, oP), h), cn = v128.and(f32x4.ne(q, oN), h);
    v128.store(uP + o4, v128.bitselect(p, oP, h));
    v128.store(uN + o4, v128.bitselect(q, oN, h));
    v128.store(wP + o4, i32x4.sub(v128.load(wP + o4), cp));
    v128.store(wN + o4, i32x4.sub(v128.load(wN + o4), cn));
    acc = i32x4.sub(i32x4.sub(acc, cp), cn);
    v128.store(wEff + o4, v128.bitselect(f32x4.mul(vW, f32x4.sub(p, q)), v128.load(wEff + o4), h));
  }
  let writes = i32x4.extract_lane(acc, 0) + i32x4.extract_lane(acc, 1) + i32x4.extract_lane(acc, 2) + i32x4.extract_lane(acc, 3);
  let clipped = i32x4.extract_lane(clip, 0) + i32x4.extract_lane(clip, 1) + i32x4.extract_lane(clip, 2) + i32x4.extract_lane(clip, 3);
  for (; i < n; i++) {
    if (load<u8>(kind + <usize>i) != 0) continue;
    const o4: usize = <usize>i << 2;
    const w = load<f32>(val + o4);
    if (abs<f32>(w) > wMax) clipped++;
    const t = min<f32>(max<f32>(w / wMax, -1), 1);
    const p = quantS(max<f32>(t, 0), lmS, on), q = quantS(max<f32>(-t, 0), lmS, on);
    if (p != load<f32>(uP + o4)) { store<f32>(uP + o4, p); store<u32>(wP + o4, load<u32>(wP + o4) + 1); writes++; }
    if (q != load<f32>(uN + o4)) { store<f32>(uN + o4, q); store<u32>(wN + o4, load<u32>(wN + o4) + 1); writes++; }
    store<f32>(wEff + o4, wMax * (p - q));
  }
  clippedOut = clipped;
  return writes;
}

export function programOffset(
  val: usize, kind: usize, uP: usize, wP: usize, wEff: usize,
  n: i32, wMax: f32, levels: i32,
): i32 {
  const vW = f32x4.splat(wMax), one = f32x4.splat(1), mone = f32x4.splat(-1), half = f32x4.splat(0.5);
  const two = f32x4.splat(2);
  const on = levels > 0;
  const lmS: f32 = <f32>(levels - 1);
  const lm = f32x4.splat(lmS);
  let acc = i32x4.splat(0), clip = i32x4.splat(0);
  let i: i32 = 0;
  for (; i + 4 <= n; i += 4) {
    const o4: usize = <usize>i << 2;
    const h = healthyMask(kind + <usize>i);
    const w = v128.load(val + o4);
    const t = f32x4.min(f32x4.max(f32x4.div(w, vW), mone), one);
    clip = i32x4.sub(clip, v128.and(f32x4.gt(f32x4.abs(w), vW), h));
    const p = quant(f32x4.mul(f32x4.add(t, one), half), lm, on);
    const oP = v128.load(uP + o4);
    const cp = v128.and(f32x4.ne(p, oP), h);
    v128.store(uP + o4, v128.bitselect(p, oP, h));
    v128.store(wP + o4, i32x4.sub(v128.load(wP + o4), cp));
    acc = i32x4.sub(acc, cp);
    v128.store(wEff + o4, v128.bitselect(f32x4.mul(vW, f32x4.sub(f32x4.mul(two, p), one)), v128.load(wEff + o4), h));
  }
  let writes = i32x4.extract_lane(acc, 0) + i32x4.extract_lane(acc, 1) + i32x4.extract_lane(acc, 2) + i32x4.extract_lane(acc, 3);
  let clipped = i32x4.extract_lane(clip, 0) + i32x4.extract_lane(clip, 1) + i32x4.extract_lane(clip, 2) + i32x4.extract_lane(clip, 3);
  for (; i < n; i++) {
    if (load<u8>(kind + <usize>i) != 0) continue;
    const o4: usize = <usize>i << 2;
    const w = load<f32>(val + o4);
    if (abs<f32>(w) > wMax) clipped++;
    const t = min<f32>(max<f32>(w / wMax, -1), 1);
    const p = quantS((t + 1) * 0.5, lmS, on);
    if (p != load<f32>(uP + o4)) { store<f32>(uP + o4, p); store<u32>(wP + o4, load<u32>(wP + o4) + 1); writes++; }
    store<f32>(wEff + o4, wMax * (2 * p - 1));
  }
  clippedOut = clipped;
  return writes;
}
