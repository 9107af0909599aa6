/**
 * Seeded PRNG (sfc32, seeded through splitmix32) so that two runs generate the same contacts and
 * issue the same requests in the same order. Not for cryptography: keys and nonces still come
 * from the server's own CSPRNG.
 */
export function createRng(seed) {
  let s = seed >>> 0;
  const splitmix = () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = splitmix();
  let b = splitmix();
  let c = splitmix();
  let d = splitmix();
  const next = () => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) >>> 0;
    return t / 4294967296;
  };
  for (let i = 0; i < 12; i++) next();
  const rng = {
    /** Uniform in [0, 1). */
    next,
    /** Integer in [0, n). */
    int: (n) => Math.floor(next() * n),
    /** Integer in [lo, hi]. */
    between: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: (array) => array[Math.floor(next() * array.length)],
    chance: (p) => next() < p,
    digits: (n) => {
      let out = '';
      for (let i = 0; i < n; i++) out += String(Math.floor(next() * 10));
      return out;
    },
    letters: (n, alphabet = 'ABCDEFGHJKLMNPRSTUVWXYZ') => {
      let out = '';
      for (let i = 0; i < n; i++) out += alphabet[Math.floor(next() * alphabet.length)];
      return out;
    },
    /** An independent stream derived from this one (e.g. one per benchmark). */
    fork: (salt) => createRng((Math.floor(next() * 4294967296) ^ Math.imul(salt, 0x9e3779b1)) >>> 0),
  };
  return rng;
}
