import { describe, expect, it } from 'vitest';
import { canonicalAuditForm } from '../../src/platform/audit/append-audit-event.js';
import { guardAuditDetail } from '../../src/platform/audit/audit-detail-guard.js';

describe('the audit detail guard', () => {
  it.each([
    [undefined, undefined],
    [{ reason: 'wrong_password' }, { reason: 'wrong_password' }],
    [
      { step: 'registration', error: 'TypeError' },
      { step: 'registration', error: 'TypeError' },
    ],
    [{ error: 'invalid_grant' }, { error: 'invalid_grant' }],
    [
      { cause: 'account_deleted', count: 2 },
      { cause: 'account_deleted', count: 2 },
    ],
    // Library messages quote their input: never recorded.
    [{ error: 'Unexpected credential type zbig@example.org, expected "public-key"' }, { error: 'error' }],
    [{ error: { message: 'boom' } }, { error: 'error' }],
    [{ cause: 'connect ECONNREFUSED 10.0.0.1:5432' }, { cause: 'error' }],
    [{ message: 'user 13812345678 not found' }, { message: '[withheld]' }],
    [
      { errorMessage: 'x', stack: 'at y', ok: true },
      { errorMessage: '[withheld]', stack: '[withheld]', ok: true },
    ],
  ])('%o → %o', (detail, guarded) => {
    expect(guardAuditDetail(detail as Record<string, unknown> | undefined)).toEqual(guarded);
  });
});

describe('the canonical form of an audit event', () => {
  const event = {
    id: 'e1',
    at: '2025-01-01T00:00:00.000Z',
    actor_kind: 'user',
    actor_id: 'u1',
    action: 'personal_data.read',
    outcome: 'success',
    resource: 'contacts',
    resource_id: 'c1',
    subject_ids: '["s1"]',
    fields: '["name"]',
    request_id: 'r1',
    ip: '203.0.113.9',
    user_agent: 'curl/8',
    detail: null,
    prev_hash: '0'.repeat(64),
  };

  it('is unchanged for an event without sealed details (events written before sealing still verify)', () => {
    expect(canonicalAuditForm({ ...event, sealed_enc: null })).toBe(
      '["e1","2025-01-01T00:00:00.000Z","user","u1","personal_data.read","success","contacts","c1","[\\"s1\\"]","[\\"name\\"]","r1","203.0.113.9","curl/8",null,"0000000000000000000000000000000000000000000000000000000000000000"]',
    );
  });

  it('covers the sealed details when present', () => {
    const sealed = canonicalAuditForm({ ...event, sealed_enc: Buffer.from([1, 2, 3]) });
    expect(JSON.parse(sealed)).toHaveLength(16);
    expect(JSON.parse(sealed).at(-1)).toBe('AQID');
    expect(sealed).not.toBe(canonicalAuditForm({ ...event, sealed_enc: Buffer.from([1, 2, 4]) }));
  });
});
