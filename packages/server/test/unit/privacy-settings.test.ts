import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/load-config.js';

const load = (settings: Record<string, string>) => loadConfig({}, { CASTELLAN_DATA_DIR: '/tmp/castellan-config-test', ...settings });

describe('masked-search quota and reveal reason settings', () => {
  it('default to 30 a minute, 300 a day and the standard reason codes', () => {
    const config = load({});
    expect(config.maskedSearch).toEqual({ perMinute: 30, perDay: 300 });
    expect(config.revealReasons).toEqual(['caller_verification', 'complaint', 'legal_request', 'data_subject_request', 'fraud_investigation', 'other']);
  });

  it('read the quota and a reason list from the environment', () => {
    const config = load({
      CASTELLAN_MASKED_SEARCH_PER_MINUTE: '10',
      CASTELLAN_MASKED_SEARCH_PER_DAY: '10',
      CASTELLAN_REVEAL_REASONS: ' caller_verification, court_order ,other',
    });
    expect(config.maskedSearch).toEqual({ perMinute: 10, perDay: 10 });
    expect(config.revealReasons).toEqual(['caller_verification', 'court_order', 'other']);
  });

  it.each([
    ['CASTELLAN_MASKED_SEARCH_PER_MINUTE', '0', /CASTELLAN_MASKED_SEARCH_PER_MINUTE/],
    ['CASTELLAN_MASKED_SEARCH_PER_MINUTE', 'many', /CASTELLAN_MASKED_SEARCH_PER_MINUTE/],
    ['CASTELLAN_MASKED_SEARCH_PER_DAY', '2.5', /CASTELLAN_MASKED_SEARCH_PER_DAY/],
    ['CASTELLAN_MASKED_SEARCH_PER_DAY', '10', /CASTELLAN_MASKED_SEARCH_PER_DAY: must be at least CASTELLAN_MASKED_SEARCH_PER_MINUTE \(30\)/],
    ['CASTELLAN_REVEAL_REASONS', 'Caller Verification', /CASTELLAN_REVEAL_REASONS: must be a comma-separated list of reason codes/],
    ['CASTELLAN_REVEAL_REASONS', 'complaint,,other', /CASTELLAN_REVEAL_REASONS/],
    ['CASTELLAN_REVEAL_REASONS', 'complaint,complaint', /CASTELLAN_REVEAL_REASONS: lists a reason code twice/],
    ['CASTELLAN_REVEAL_REASONS', 'x', /CASTELLAN_REVEAL_REASONS/],
  ])('refuses %s=%s, naming the variable', (key, value, message) => {
    expect(() => load({ [key]: value })).toThrow(ConfigError);
    expect(() => load({ [key]: value })).toThrow(message);
  });
});
