import { type CheckOutcome, failing, passing } from '../compliance-check.js';
import type { ComplianceState } from '../compliance-state.js';

/**
 * Every personal column of the catalogue and the sealed-column registry exists sealed (`*_enc`) in
 * the live schema, and no table of theirs carries the same column in plaintext.
 */
export function encryptionCoverage(state: Pick<ComplianceState, 'personalColumns' | 'schema'>): CheckOutcome {
  const plaintext: string[] = [];
  const missingSealed: string[] = [];
  for (const { table, column, sealed } of state.personalColumns) {
    const columns = state.schema.get(table);
    if (!columns) continue;
    if (columns.has(column)) plaintext.push(`${table}.${column}`);
    if (!columns.has(sealed)) missingSealed.push(`${table}.${sealed}`);
  }
  const evidence = {
    personalColumns: state.personalColumns.length,
    tables: new Set(state.personalColumns.map((c) => c.table)).size,
    plaintextColumns: plaintext.sort(),
    missingSealedColumns: missingSealed.sort(),
  };
  return plaintext.length === 0 && missingSealed.length === 0
    ? passing('every personal column is stored sealed, none in plaintext', evidence)
    : failing(`${plaintext.length} plaintext personal column(s), ${missingSealed.length} sealed column(s) missing`, evidence);
}
