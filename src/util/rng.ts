/**
 * Named, seeded random streams.
 *
 * Every random draw in rramsim comes from a stream obtained with `stream(runSeed, name)`.
 * The stream's seed string is `${runSeed}/${name}`, fed to seedrandom's `alea` generator
 * (fast, 32-bit output, well tested). Names are hierarchical paths such as
 * `init/fc1`, `shuffle/epoch3`, `defects/fc1/tile0_1`, so that adding a layer or a tile never
 * shifts the draws of any other consumer: streams are independent by construction.
 *
 * Position: `state()` is alea's internal state {c, s0, s1, s2} after the draws so far (seedrandom's
 * `state: true` option; the draws themselves are unchanged by it); `setState(state)` moves the
 * stream exactly there, so the next draw is the one that followed (a checkpoint of a training,
 * src/nn/train_state.ts).
 */
import seedrandom from 'seedrandom';

export interface Rng {
  /** uniform in [0, 1) with 32 bits of randomness */
  next(): number;
  /** uniform integer in [0, n) */
  int(n: number): number;
  /** standard normal N(0, 1) (Box-Muller, no caching, so the draw count is exact and predictable) */
  normal(): number;
  /** the seed string this stream was made from */
  readonly seed: string;
  /** the generator's position (alea's {c, s0, s1, s2}), JSON-safe */
  state(): StreamState;
  /** continue from a position state() returned (of a stream with the same seed) */
  setState(s: StreamState): void;
}

/** alea's state: a counter and three fractions in [0, 1) */
export interface StreamState {
  c: number;
  s0: number;
  s1: number;
  s2: number;
}

export function stream(runSeed: number | string, name: string): Rng {
  const seed = `${runSeed}/${name}`;
  let prng = seedrandom.alea(seed, { state: true });
  const next = () => prng();
  return {
    seed,
    next,
    state: () => ({ ...(prng.state() as StreamState) }),
    setState: (st: StreamState) => { prng = seedrandom.alea('', { state: { ...st } }); },
    int: (n: number) => Math.floor(prng() * n),
    normal: () => {
      let u = prng();
      while (u <= 1e-300) u = prng();
      const v = prng();
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    },
  };
}

/** Fisher-Yates shuffle of 0..n-1 drawn from `rng`, into `out` (allocated if absent). */
export function permutation(rng: Rng, n: number, out?: Int32Array): Int32Array {
  const p = out ?? new Int32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = p[i]; p[i] = p[j]; p[j] = t;
  }
  return p;
}
