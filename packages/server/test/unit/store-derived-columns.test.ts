import { describe, expect, it } from 'vitest';
import { derivedColumns, plainColumns } from '../../src/platform/data/store-values.js';
import { tablePlan } from '../../src/platform/data/table-plan.js';

describe('values a rule derives', () => {
  it('reach system fields, which a request cannot set', () => {
    const plan = tablePlan('licenses');
    expect(plainColumns(plan, { signedOn: '2026-05-01', feeFen: 5 })).toEqual({ fee_fen: 5 });
    expect(derivedColumns(plan, { signedOn: '2026-05-01', exclusive: true })).toEqual({ signed_on: '2026-05-01', exclusive: 1 });
  });

  it('never set the id, the owner or the team', () => {
    expect(derivedColumns(tablePlan('licenses'), { id: 'x', ownerId: 'u', teamId: 't', currency: 'USD' })).toEqual({ currency: 'USD' });
  });

  it('never set an encrypted field (they have no plain column)', () => {
    expect(derivedColumns(tablePlan('contacts'), { name: 'Someone', accountId: null })).toEqual({ account_id: null });
  });
});
