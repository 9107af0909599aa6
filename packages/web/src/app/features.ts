import type { Feature } from './feature';

/** Every feature module of the app, found at build time (src/features/<name>/feature.tsx). */
const modules = import.meta.glob<{ feature: Feature }>('../features/*/feature.tsx', { eager: true });

export const features: Feature[] = Object.values(modules)
  .map((module) => module.feature)
  .sort((a, b) => a.id.localeCompare(b.id));
