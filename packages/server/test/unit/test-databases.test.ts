/**
 * The PostgreSQL tier must not disappear silently: CI's PostgreSQL run sets CASTELLAN_TEST_REQUIRE_PG=1
 * and CASTELLAN_TEST_DB=postgres, and either without CASTELLAN_TEST_PG_URL is an error.
 */
import { describe, expect, it } from 'vitest';
import { resolveTestDatabases } from '../helpers/databases.js';

const URL = 'postgres://postgres@127.0.0.1:5432/test';

describe('which databases the tests run on', () => {
  it('runs SQLite alone when nothing is set, both with a PostgreSQL URL', () => {
    expect(resolveTestDatabases({})).toMatchObject({ testDialects: ['sqlite'], e2eDialect: 'sqlite' });
    expect(resolveTestDatabases({ CASTELLAN_TEST_PG_URL: URL })).toMatchObject({ testDialects: ['sqlite', 'postgres'], e2eDialect: 'sqlite' });
    expect(resolveTestDatabases({ CASTELLAN_TEST_PG_URL: URL, CASTELLAN_TEST_DB: 'postgres', CASTELLAN_TEST_REQUIRE_PG: '1' })).toMatchObject({
      testDialects: ['sqlite', 'postgres'],
      e2eDialect: 'postgres',
    });
  });

  it('fails instead of skipping PostgreSQL when it was asked for without a URL', () => {
    expect(() => resolveTestDatabases({ CASTELLAN_TEST_REQUIRE_PG: '1' })).toThrow(/CASTELLAN_TEST_PG_URL is not set/);
    expect(() => resolveTestDatabases({ CASTELLAN_TEST_REQUIRE_PG: '1', CASTELLAN_TEST_PG_URL: '' })).toThrow(/CASTELLAN_TEST_PG_URL/);
    expect(() => resolveTestDatabases({ CASTELLAN_TEST_DB: 'postgres' })).toThrow(/CASTELLAN_TEST_DB=postgres needs CASTELLAN_TEST_PG_URL/);
    expect(() => resolveTestDatabases({ CASTELLAN_TEST_DB: 'postgresql', CASTELLAN_TEST_PG_URL: URL })).toThrow(/sqlite or postgres/);
  });
});
