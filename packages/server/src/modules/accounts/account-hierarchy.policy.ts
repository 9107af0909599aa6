/**
 * Account hierarchy (集团 → 子公司): an account's parent chain may never come back to the account.
 * Pure: the caller walks the chain (`ancestors`: the parent, its parent, … as far as it goes).
 */
export const maxHierarchyDepth = 32;

export function parentRefusal(accountId: string, parentId: string | null, ancestors: readonly string[]): string | null {
  if (parentId === null) return null;
  if (parentId === accountId) return `account ${accountId} cannot be its own parent`;
  const loop = ancestors.indexOf(accountId);
  if (loop >= 0) return `parent ${parentId} would make a cycle: account ${accountId} is already its ancestor (${loop + 1} level(s) up)`;
  if (ancestors.length >= maxHierarchyDepth) return `the account hierarchy may be at most ${maxHierarchyDepth} levels deep`;
  return null;
}
