import { describe, expect, it } from 'vitest';
import { ApiError } from '../../src/api/api-error';
import { fieldsOf, writableFields } from '../../src/features/records/catalogue';
import { bodyOf, formErrorsOf, initialValues } from '../../src/features/records/form-values';

describe('record forms', () => {
  it('start a create with the catalogue defaults and send money in minor units, empty fields left out', () => {
    const fields = writableFields('deals');
    const values = initialValues(fields);
    expect(values.currency).toBe('CNY');
    const body = bodyOf(fields, { ...values, name: ' Spring ', amount: 1234.5, accountId: 'a1', stageId: 's1' });
    expect(body).toEqual({ name: 'Spring', amount: 123450, accountId: 'a1', stageId: 's1', currency: 'CNY' });
  });

  it('keep a default of true for a boolean and send an unticked box as false', () => {
    const fields = writableFields('channels');
    expect(initialValues(fields).active).toBe(true);
    expect(bodyOf(fields, { ...initialValues(fields), code: 'C1', name: 'N', kind: 'tv', active: false })).toMatchObject({ active: false });
  });

  it('edit: masked values start empty and are not sent unless typed; only changes are sent, an emptied field as null', () => {
    const fields = writableFields('contacts');
    const record = { id: 'c1', name: 'Li Lei', phone: '138****5678', jobTitle: 'Buyer', maskedFields: ['phone'] };
    const initial = initialValues(fields, record);
    expect(initial.phone).toBe('');
    expect(initial.name).toBe('Li Lei');
    expect(bodyOf(fields, { ...initial, jobTitle: '' }, initial)).toEqual({ jobTitle: null });
    expect(bodyOf(fields, { ...initial, phone: '+8613800001111' }, initial)).toEqual({ phone: '+8613800001111' });
  });

  it('put custom values under custom', () => {
    const fields = [
      ...fieldsOf('accounts').slice(0, 0),
      { name: 'custom.tier', kind: 'text' as const, required: false, system: false, personal: false, filterable: true, rangeable: false, sortable: true },
    ];
    expect(bodyOf(fields, { 'custom.tier': 'gold' })).toEqual({ custom: { tier: 'gold' } });
  });

  it("place the API's validation messages on their fields, custom ones too", () => {
    const error = new ApiError(400, 'validation_failed', 'invalid body', 'r1', [
      { path: '/email', message: 'must be an e-mail address' },
      { path: '/custom/tier', message: 'too long' },
    ]);
    expect(formErrorsOf(error)).toEqual({ email: 'must be an e-mail address', 'custom.tier': 'too long' });
  });
});
