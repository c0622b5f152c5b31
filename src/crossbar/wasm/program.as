// AssemblyScript source of the WebAssembly cell-programming loops of the crossbar (the hot path
// of CrossbarMatrixOp.sync without programming variation). Built by src/kernels/wasm/build.mjs
// (`npm run build:wasm`) into program_wasm.ts (base64). Memory is the kernels' memory (imported
// as env.memory); every pointer is a byte address into it.
//
// All-healthy slots (kind 0): same formulas as src/crossbar/program_kernels.ts, in float32
// arithmetic, SIMD (f32x4) and branch-free over 4 slots at a time (the sign of w decides which
// cell of a pair changes; a branchy loop mispredicts on random signs):
//   t = clamp(w / wMax, −1, 1)                         (|w| > wMax counted as clipped)
//   differential: uP* = max(t, 0), uN* = max(−t, 0);  offset: u* = (t + 1)·0.5
// clamp and max are the TS ternaries (t > 1 ? 1 : …, t > 0 ? t : 0), i.e. f32x4.pmin/pmax (one
// minps/maxps each; f32x4.min/max cost a NaN/±0 fix-up sequence and differ from the ternaries
// for a NaN weight).
//   levels L > 0: u* = nearest(u*·(L−1)) / (L−1)       (nearest = round half to even)
//   a healthy slot's cell whose u* ≠ u (u = NaN before the first write) is written: u ← u*,
//   writes[cell] += 1; W_eff = wMax·(uP − uN) or wMax·(2u − 1).
// Slots with a stuck cell (kind ≠ 0) are skipped by those loops and handled by `specialRange`
// (scalar, float64, over the list of such slots; see there), bit-identical to the TS
// programSpecialSlots.
//
// Exports: programDifferential / programOffset (healthy slots only, identity permutations),
// programSpecial (the special list only, any permutation), programIdentity (both, identity
// permutations, in blocks of BLOCK slots: the special slots of a block are done right after its
// healthy slots, while the block's cache lines are still in L1, instead of a second pass over
// memory) and programRows (both, a row permutation with identity columns, row by row). Each
// returns the number of cell writes; the number of clipped weights is `lastClipped()`.

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

// t > 1 ? 1 : t < −1 ? −1 : t, as the TS loops (NaN stays NaN)
@inline
function clampS(t: f32): f32 {
  return t > 1 ? 1 : t < -1 ? -1 : t;
}

@inline
function quantS(u: f32, lm: f32, on: bool): f32 {
  return on ? nearest<f32>(u * lm) / lm : u;
}

@inline
function healthyDifferential(
  val: usize, kind: usize, uP: usize, uN: usize, wP: usize, wN: usize, wEff: usize,
  i0: i32, n: i32, wMax: f32, levels: i32,
): i32 {
  const vW = f32x4.splat(wMax), one = f32x4.splat(1), mone = f32x4.splat(-1), zero = f32x4.splat(0);
  const on = levels > 0;
  const lmS: f32 = <f32>(levels - 1);
  const lm = f32x4.splat(lmS);
  let acc = i32x4.splat(0), clip = i32x4.splat(0);
  let i: i32 = i0;
  for (; i + 4 <= n; i += 4) {
    const o4: usize = <usize>i << 2;
    const h = healthyMask(kind + <usize>i);
    const w = v128.load(val + o4);
    const t = f32x4.pmin(f32x4.pmax(f32x4.div(w, vW), mone), one);
    clip = i32x4.sub(clip, v128.and(f32x4.gt(f32x4.abs(w), vW), h));
    const p = quant(f32x4.pmax(zero, t), lm, on);
    const q = quant(f32x4.pmax(zero, f32x4.neg(t)), lm, on);
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
    const t = clampS(w / wMax);
    const p = quantS(t > 0 ? t : 0, lmS, on), q = quantS(t < 0 ? -t : 0, lmS, on);
    if (p != load<f32>(uP + o4)) { store<f32>(uP + o4, p); store<u32>(wP + o4, load<u32>(wP + o4) + 1); writes++; }
    if (q != load<f32>(uN + o4)) { store<f32>(uN + o4, q); store<u32>(wN + o4, load<u32>(wN + o4) + 1); writes++; }
    store<f32>(wEff + o4, wMax * (p - q));
  }
  clippedOut += clipped;
  return writes;
}

@inline
function healthyOffset(
  val: usize, kind: usize, uP: usize, wP: usize, wEff: usize,
  i0: i32, n: i32, wMax: f32, levels: i32,
): i32 {
  const vW = f32x4.splat(wMax), one = f32x4.splat(1), mone = f32x4.splat(-1), half = f32x4.splat(0.5);
  const two = f32x4.splat(2);
  const on = levels > 0;
  const lmS: f32 = <f32>(levels - 1);
  const lm = f32x4.splat(lmS);
  let acc = i32x4.splat(0), clip = i32x4.splat(0);
  let i: i32 = i0;
  for (; i + 4 <= n; i += 4) {
    const o4: usize = <usize>i << 2;
    const h = healthyMask(kind + <usize>i);
    const w = v128.load(val + o4);
    const t = f32x4.pmin(f32x4.pmax(f32x4.div(w, vW), mone), one);
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
    const t = clampS(w / wMax);
    const p = quantS((t + 1) * 0.5, lmS, on);
    if (p != load<f32>(uP + o4)) { store<f32>(uP + o4, p); store<u32>(wP + o4, load<u32>(wP + o4) + 1); writes++; }
    store<f32>(wEff + o4, wMax * (2 * p - 1));
  }
  clippedOut += clipped;
  return writes;
}

// The slots with a stuck cell (no programming variation), bit-identical to programSpecialSlots
// in src/crossbar/program_kernels.ts, in float64 like it: for k0 ≤ k < n, logical index idx = special[k]
// (i32) on slot s = slot[k] (i32):
//   t = w·(1/wMax), or ±1 (counted as clipped) beyond ±wMax
//   kind 1 (G⁺ stuck at uP): the free G⁻ gets q = clamp(uP − t, 0, 1); kind 2 (G⁻ stuck at uN):
//   the free G⁺ gets q = clamp(uN + t, 0, 1); kind 3: no free cell
//   q → lv[Math.round(q·(L−1))], lv[k] = fround(k/(L−1)) (levels L > 0), else fround(q);
//   the free cell is written (u ← q, writes +1) when q ≠ u (a NaN q is always written, as in JS)
//   W_eff[idx] = f32(wMax·(uP − uN)) (two ≠ 0) or f32(wMax·(2uP − 1)) where a cell was written,
//   or everywhere when full ≠ 0.
// Branch-free: kind 1 vs 2, clamping, rounding and "written or not" are random per slot, so
// every choice is an integer select (cmov) on addresses or bit patterns instead of a branch.
// (q is never −0 here: the stuck u is +0 or 1, and +0 + (−0) = +0; so the bit-pattern clamp
// below agrees with the TS ternaries.)
@inline
function specialRange(
  val: usize, special: usize, slot: usize, k0: i32, n: i32, kind: usize,
  uP: usize, uN: usize, wP: usize, wN: usize, wEff: usize,
  wMax: f64, two: i32, full: i32, levels: i32,
): i32 {
  const inv: f64 = 1.0 / wMax;
  const on = levels > 0;
  const lm: f64 = <f64>(levels - 1);
  const ONE: i64 = reinterpret<i64>(<f64>1.0);
  const MONE: i64 = reinterpret<i64>(<f64>-1.0);
  const SIGN: i64 = i64.MIN_VALUE;
  let writes: i32 = 0, clipped: i32 = 0;
  for (let k: i32 = k0; k < n; k++) {
    const k4: usize = <usize>k << 2;
    const idx4: usize = <usize>load<i32>(special + k4) << 2;
    const s: usize = <usize>load<i32>(slot + k4);
    const s4: usize = s << 2;
    const w: f64 = <f64>load<f32>(val + idx4);
    const hi = w > wMax, lo = w < -wMax;
    clipped += <i32>(hi | lo);
    const t: f64 = reinterpret<f64>(select<i64>(ONE, select<i64>(MONE, reinterpret<i64>(w * inv), lo), hi));
    const kd = <i32>load<u8>(kind + s);
    // both cells and W_eff are loaded up front (addresses known from s alone), the rest is
    // register work, so consecutive slots overlap well
    const pBits = load<u32>(uP + s4), nBits = load<u32>(uN + s4), eAt: usize = wEff + idx4;
    const eOld = load<u32>(eAt);
    const one = kd == 1, free = kd != 3;
    // kind 1: stuck uP, free N, q = uP + (−t);  kind 2 (and 3, unused): stuck uN, free P, q = uN + t
    const oldBits = select<u32>(nBits, pBits, one);
    const ts = reinterpret<f64>(reinterpret<i64>(t) ^ select<i64>(SIGN, 0, one));
    let q: f64 = <f64>reinterpret<f32>(select<u32>(pBits, nBits, one)) + ts;
    // clamp(q, 0, 1) keeping NaN: q < 0 → +0, q > 1 → 1
    const qb = reinterpret<i64>(q);
    q = reinterpret<f64>(select<i64>(0, select<i64>(ONE, qb, q > 1), q < 0));
    if (on) {
      const x = q * lm;
      const r = floor<f64>(x);
      q = <f64><f32>((r + <f64>(<i32>(x - r >= 0.5))) / lm); // JS Math.round (x ≥ 0), level table value
    } else {
      q = <f64><f32>q;
    }
    const ch = <i32>(q != <f64>reinterpret<f32>(oldBits)) & <i32>free;
    const newBits = select<u32>(reinterpret<u32>(<f32>q), oldBits, ch);
    store<u32>(select<usize>(uN, uP, one) + s4, newBits);
    const cnt: usize = select<usize>(wN, wP, one) + s4;
    store<u32>(cnt, load<u32>(cnt) + <u32>ch);
    // the pair after the write (kind 3: newBits = oldBits = uP)
    const p: f64 = <f64>reinterpret<f32>(select<u32>(pBits, newBits, one));
    const e: f64 = two != 0
      ? wMax * (p - <f64>reinterpret<f32>(select<u32>(newBits, nBits, one)))
      : wMax * (2 * p - 1);
    store<u32>(eAt, select<u32>(reinterpret<u32>(<f32>e), eOld, ch | full));
    writes += ch;
  }
  clippedOut += clipped;
  return writes;
}

export function programDifferential(
  val: usize, kind: usize, uP: usize, uN: usize, wP: usize, wN: usize, wEff: usize,
  n: i32, wMax: f32, levels: i32,
): i32 {
  clippedOut = 0;
  return healthyDifferential(val, kind, uP, uN, wP, wN, wEff, 0, n, wMax, levels);
}

export function programOffset(
  val: usize, kind: usize, uP: usize, wP: usize, wEff: usize,
  n: i32, wMax: f32, levels: i32,
): i32 {
  clippedOut = 0;
  return healthyOffset(val, kind, uP, wP, wEff, 0, n, wMax, levels);
}

export function programSpecial(
  val: usize, special: usize, slot: usize, n: i32, kind: usize,
  uP: usize, uN: usize, wP: usize, wN: usize, wEff: usize,
  wMax: f64, two: i32, full: i32, levels: i32,
): i32 {
  clippedOut = 0;
  return specialRange(val, special, slot, 0, n, kind, uP, uN, wP, wN, wEff, wMax, two, full, levels);
}

// slots per block of programIdentity (a multiple of 4): ~7 arrays x 4 KiB stay in L1
const BLOCK: i32 = 1024;

// Every slot, identity permutations (logical index = slot): the healthy ones as
// programDifferential / programOffset (wMaxF = f32(wMax)), the special ones (nSpecial entries of
// special/slot, in ascending order) as programSpecial, block by block. Same results as calling
// the two one after the other (each slot is touched by exactly one of them).
export function programIdentity(
  val: usize, kind: usize, uP: usize, uN: usize, wP: usize, wN: usize, wEff: usize,
  n: i32, wMaxF: f32, levels: i32,
  special: usize, slot: usize, nSpecial: i32, wMax: f64, two: i32, full: i32,
): i32 {
  clippedOut = 0;
  let writes: i32 = 0, k: i32 = 0;
  for (let b: i32 = 0; b < n; b += BLOCK) {
    const end: i32 = min<i32>(b + BLOCK, n);
    writes += two != 0
      ? healthyDifferential(val, kind, uP, uN, wP, wN, wEff, b, end, wMaxF, levels)
      : healthyOffset(val, kind, uP, wP, wEff, b, end, wMaxF, levels);
    let k1: i32 = k;
    while (k1 < nSpecial && load<i32>(special + (<usize>k1 << 2)) < end) k1++;
    writes += specialRange(val, special, slot, k, k1, kind, uP, uN, wP, wN, wEff, wMax, two, full, levels);
    k = k1;
  }
  writes += specialRange(val, special, slot, k, nSpecial, kind, uP, uN, wP, wN, wEff, wMax, two, full, levels);
  return writes;
}

// Every slot with a row permutation and identity columns (ITT-RNA's 'rows' mapping): logical row
// i (weights val/wEff + i·cols) sits on physical row permR[i] (cells + permR[i]·cols). Row by row:
// its healthy slots as programDifferential / programOffset, then the special entries of that row
// (the list is in ascending logical order), while the physical row is still in cache. Same
// results as the TS healthy loop followed by programSpecial.
export function programRows(
  val: usize, kind: usize, uP: usize, uN: usize, wP: usize, wN: usize, wEff: usize,
  rows: i32, cols: i32, permR: usize, wMaxF: f32, levels: i32,
  special: usize, slot: usize, nSpecial: i32, wMax: f64, two: i32, full: i32,
): i32 {
  clippedOut = 0;
  let writes: i32 = 0, k: i32 = 0;
  for (let i: i32 = 0; i < rows; i++) {
    const lo: usize = <usize>(i * cols) << 2;
    const ps: usize = <usize>(load<i32>(permR + (<usize>i << 2)) * cols);
    const po: usize = ps << 2;
    writes += two != 0
      ? healthyDifferential(val + lo, kind + ps, uP + po, uN + po, wP + po, wN + po, wEff + lo, 0, cols, wMaxF, levels)
      : healthyOffset(val + lo, kind + ps, uP + po, wP + po, wEff + lo, 0, cols, wMaxF, levels);
    const end: i32 = (i + 1) * cols;
    let k1: i32 = k;
    while (k1 < nSpecial && load<i32>(special + (<usize>k1 << 2)) < end) k1++;
    writes += specialRange(val, special, slot, k, k1, kind, uP, uN, wP, wN, wEff, wMax, two, full, levels);
    k = k1;
  }
  writes += specialRange(val, special, slot, k, nSpecial, kind, uP, uN, wP, wN, wEff, wMax, two, full, levels);
  return writes;
}
