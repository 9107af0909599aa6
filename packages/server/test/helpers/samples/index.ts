import { coreSamples } from './core.js';
import { partiesSamples } from './parties.js';
import { subscribersSamples } from './subscribers.js';
import type { SampleMaker } from './types.js';

/** One sample maker per domain (see types.ts); each domain adds its line here. */
export const sampleMakers: Record<string, SampleMaker> = {
  core: coreSamples,
  parties: partiesSamples,
  subscribers: subscribersSamples,
};
