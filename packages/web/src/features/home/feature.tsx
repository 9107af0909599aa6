import type { Feature } from '../../app/feature';

export const feature: Feature = {
  id: 'home',
  routes: [{ index: true, lazy: async () => ({ Component: (await import('./HomePage')).HomePage }) }],
};
