// HyperLogLog: a mergeable estimate of how many distinct users a set of evaluations reached (release exposures).
// 2^11 registers of one byte (2 KiB a sketch): standard error 1.04 / √2048 ≈ 2.3 %, exact-ish below ~5,000 users
// (linear counting). Merging is a register-wise max, so sketches from every isolate and minute add up in any order.
import { murmur3 } from '../engine';

export const HLL_BITS = 11;
export const HLL_REGISTERS = 1 << HLL_BITS;
/** The relative standard error of an estimate (docs/releases.md states it). */
export const HLL_ERROR = 1.04 / Math.sqrt(HLL_REGISTERS);

const SEED = 0x5f3759df;
const ALPHA = 0.7213 / (1 + 1.079 / HLL_REGISTERS);

/** The hash a sketch keeps of a user (compute once to add one user to several sketches). */
export const hashUser = (id: string) => murmur3(id, SEED);

export class HyperLogLog {
  readonly registers: Uint8Array;

  constructor(registers?: Uint8Array) {
    this.registers = registers ?? new Uint8Array(HLL_REGISTERS);
  }

  /** Adds a user by their identifier (hashed here; nothing of it is kept). */
  add(id: string): void {
    this.addHash(hashUser(id));
  }

  addHash(hash: number): void {
    const index = hash >>> (32 - HLL_BITS);
    const rest = (hash << HLL_BITS) >>> 0;
    // the position of the first 1 bit in the remaining 21 bits (22 when they are all zero)
    const rank = rest === 0 ? 32 - HLL_BITS + 1 : Math.clz32(rest) + 1;
    if (rank > this.registers[index]) this.registers[index] = rank;
  }

  merge(other: HyperLogLog | Uint8Array): this {
    const r = other instanceof HyperLogLog ? other.registers : other;
    for (let i = 0; i < HLL_REGISTERS; i++) if (r[i] > this.registers[i]) this.registers[i] = r[i];
    return this;
  }

  /** The estimated number of distinct users added, rounded. */
  estimate(): number {
    let sum = 0;
    let zeros = 0;
    for (let i = 0; i < HLL_REGISTERS; i++) {
      sum += 2 ** -this.registers[i];
      if (this.registers[i] === 0) zeros++;
    }
    const raw = (ALPHA * HLL_REGISTERS * HLL_REGISTERS) / sum;
    // small range: linear counting is far more accurate while registers are still empty
    if (raw <= 2.5 * HLL_REGISTERS && zeros > 0) return Math.round(HLL_REGISTERS * Math.log(HLL_REGISTERS / zeros));
    return Math.round(raw);
  }

  isEmpty(): boolean {
    return this.registers.every((r) => r === 0);
  }
}
