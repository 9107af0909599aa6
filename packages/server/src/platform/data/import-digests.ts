/**
 * The digests already met in an import's file, with the line each first appeared on: an open-addressing
 * hash table over typed arrays (16 bytes of digest + 4 bytes of line per slot, load ≤ 0.7), so a million
 * rows with three blind-indexed fields cost about 3 × 2^21 × 20 B ≈ 120 MiB at most, and nothing but
 * keyed digests (never a value) is held. The digests are the first 128 bits of the field's 256-bit
 * blind index: a false "duplicate" would need a 128-bit collision.
 */
export class DigestSet {
  private keys: Uint8Array;
  private lines: Uint32Array;
  private mask: number;
  private count = 0;

  constructor(initialSlots = 1 << 12) {
    this.keys = new Uint8Array(initialSlots * 16);
    this.lines = new Uint32Array(initialSlots);
    this.mask = initialSlots - 1;
  }

  get size(): number {
    return this.count;
  }

  /** The line the digest first appeared on, or 0 when it is new (then it is recorded with `line`, which must be > 0). */
  addOrGet(digest: Buffer, line: number): number {
    if (digest.length !== 16) throw new Error('digests are 16 bytes');
    const found = this.find(digest);
    if (found >= 0 && this.lines[found] !== 0) return this.lines[found] ?? 0;
    if ((this.count + 1) / (this.mask + 1) > 0.7) this.grow();
    const slot = this.find(digest);
    this.keys.set(digest, slot * 16);
    this.lines[slot] = line;
    this.count++;
    return 0;
  }

  /** The line of a digest met before, or 0. */
  get(digest: Buffer): number {
    const slot = this.find(digest);
    return this.lines[slot] ?? 0;
  }

  /** The slot holding the digest, or the empty slot where it would go. */
  private find(digest: Buffer): number {
    let slot = digest.readUInt32LE(0) & this.mask;
    for (;;) {
      if (this.lines[slot] === 0) return slot;
      if (this.matches(slot, digest)) return slot;
      slot = (slot + 1) & this.mask;
    }
  }

  private matches(slot: number, digest: Buffer): boolean {
    const base = slot * 16;
    for (let i = 0; i < 16; i++) if (this.keys[base + i] !== digest[i]) return false;
    return true;
  }

  private grow(): void {
    const oldKeys = this.keys;
    const oldLines = this.lines;
    const slots = (this.mask + 1) * 2;
    this.keys = new Uint8Array(slots * 16);
    this.lines = new Uint32Array(slots);
    this.mask = slots - 1;
    for (let s = 0; s < oldLines.length; s++) {
      const line = oldLines[s] ?? 0;
      if (line === 0) continue;
      const digest = Buffer.from(oldKeys.buffer, oldKeys.byteOffset + s * 16, 16);
      const slot = this.find(digest);
      this.keys.set(digest, slot * 16);
      this.lines[slot] = line;
    }
  }
}
