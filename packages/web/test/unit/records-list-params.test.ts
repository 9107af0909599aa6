import { describe, expect, it } from 'vitest';
import { fieldsOf } from '../../src/features/records/catalogue';
import { apiQueryOf, nextSort, paramsOfView, viewBodyOf } from '../../src/features/records/list-params';

describe('record list parameters', () => {
  it('cycles a column sort ascending, descending, none', () => {
    let params = new URLSearchParams('kind=tv');
    params = nextSort(params, 'name');
    expect(params.get('sort')).toBe('name');
    expect(params.get('order')).toBe('asc');
    params = nextSort(params, 'name');
    expect(params.get('order')).toBe('desc');
    params = nextSort(params, 'name');
    expect(params.has('sort')).toBe(false);
    expect(params.get('kind')).toBe('tv');
  });

  it('turns filters and ranges into a saved view with typed values, and back', () => {
    const params = new URLSearchParams('kind=advertiser&creditLimitFrom=100&creditLimitTo=500&sort=name&order=desc&view=x');
    const body = viewBodyOf(params, fieldsOf('accounts'));
    expect(body).toEqual({ filters: { kind: 'advertiser' }, ranges: { creditLimit: { from: 100, to: 500 } }, sort: 'name', order: 'desc' });
    const back = paramsOfView({ id: 'v1', object: 'accounts', name: 'n', ...body, sort: 'name' });
    expect(apiQueryOf(back)).toBe('creditLimitFrom=100&creditLimitTo=500&kind=advertiser&order=desc&sort=name&view=v1');
  });

  it('keeps booleans as booleans in a saved view', () => {
    expect(viewBodyOf(new URLSearchParams('active=true'), fieldsOf('channels')).filters).toEqual({ active: true });
  });
});
