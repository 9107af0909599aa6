import { adSalesSamples } from './ad-sales.js';
import { coreSamples } from './core.js';
import { customFieldSamples } from './custom-fields.js';
import { licensingSamples } from './licensing.js';
import { partiesSamples } from './parties.js';
import { privacySamples } from './privacy.js';
import { serviceSamples } from './service.js';
import { subscribersSamples } from './subscribers.js';
import type { SampleMaker } from './types.js';

/** One sample maker per domain (see types.ts); each domain adds its line here. */
export const sampleMakers: Record<string, SampleMaker> = {
  core: coreSamples,
  'ad-sales': adSalesSamples,
  licensing: licensingSamples,
  customFields: customFieldSamples,
  service: serviceSamples,
  parties: partiesSamples,
  subscribers: subscribersSamples,
  privacy: privacySamples,
};
