import { z } from 'zod';
import { f, type ObjectCatalogue, type ObjectSpec, referenceFields } from './types.js';

/**
 * Ad sales (广告经营): channels and their airtime, rate cards, deals, bookings of spots, contracts.
 * Channels are organisation-wide reference data; the regulatory caps (总局令61号) apply per channel.
 */
export const channelKinds = ['tv', 'radio', 'ott'] as const;

export const adSalesFields = {
  channels: {
    ...referenceFields,
    code: f('code', 'internal', 'none', 'Short code of the channel (e.g. CCTV-1, FM101.8)', {
      required: true,
      input: z
        .string()
        .trim()
        .regex(/^[A-Za-z0-9][A-Za-z0-9 ._+-]{0,31}$/, 'must be 1-32 letters, digits, space . _ + -'),
    }),
    name: f('name', 'internal', 'none', 'Name of the channel or frequency (频道/频率)', { required: true, input: z.string().trim().min(1).max(100) }),
    kind: f('kind', 'internal', 'none', 'tv, radio or ott: the 19:00–21:00 cap applies to TV', { required: true, input: z.enum(channelKinds) }),
    active: f('active', 'internal', 'none', 'Still sold', { type: 'boolean', default: true }),
  },
} as const satisfies Record<string, ObjectCatalogue>;

export const adSalesObjects = {
  channels: { ownership: 'reference', plural: 'channels', label: 'channel' },
} as const satisfies Record<string, ObjectSpec>;
