/**
 * 统一社会信用代码 (unified social credit code, USCC) per GB 32100-2015: 18 characters from the set
 * 0-9 A-H J-N P-R T-U W-Y (no I, O, Z, S, V), laid out as
 *   1     registration authority (登记管理部门码)
 *   2     organisation category (机构类别码)
 *   3-8   administrative division (登记管理机关行政区划码, GB/T 2260)
 *   9-17  organisation code (主体标识码, GB 11714)
 *   18    check character.
 * The check character: each of the first 17 characters has a value (its index in the set) and a
 * weight 3^i mod 31 (i = 0…16); C18 = 31 − (Σ value × weight mod 31), where 31 becomes 0.
 * Pure: no I/O. Lower case is accepted and compared in upper case.
 */
export const usccAlphabet = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const weights = Array.from({ length: 17 }, (_, i) => 3 ** i % 31);

/** The check character of the first 17 characters, or null when one of them is not in the set. */
export function usccCheckCharacter(first17: string): string | null {
  if (first17.length !== 17) return null;
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const value = usccAlphabet.indexOf(first17[i] as string);
    if (value < 0) return null;
    sum += value * (weights[i] as number);
  }
  const check = (31 - (sum % 31)) % 31;
  return usccAlphabet[check] as string;
}

/** Why a value is not a valid USCC, or null when it is one. */
export function usccProblem(value: string): string | null {
  const code = value.toUpperCase();
  if (code.length !== 18) return `must be 18 characters (got ${code.length})`;
  const bad = [...code].find((c) => !usccAlphabet.includes(c));
  if (bad !== undefined) return `"${bad}" is not allowed (digits and A-H J-N P-R T-U W-Y only)`;
  const expected = usccCheckCharacter(code.slice(0, 17));
  if (expected !== code[17]) return `the check character is wrong (GB 32100-2015: expected ${expected})`;
  return null;
}

export const isUscc = (value: string): boolean => usccProblem(value) === null;
