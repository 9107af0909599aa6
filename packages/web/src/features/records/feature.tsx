import type { RouteObject } from 'react-router';
import type { Feature, NavItem } from '../../app/feature';
import { recordObjects } from './objects';

/**
 * The catalogue-driven record screens: for every store object a list (`/<plural>`), a create form
 * (`/<plural>/new`), a detail page (`/<plural>/:id`) and an edit form (`/<plural>/:id/edit`), and a
 * sidebar entry shown to holders of `<object>.read`. Pages load lazily.
 */
const routesOf = (object: string, plural: string): RouteObject[] => [
  { path: plural, lazy: async () => ({ Component: (await import('./pages')).listPageFor(object) }) },
  { path: `${plural}/new`, lazy: async () => ({ Component: (await import('./pages')).createPageFor(object) }) },
  { path: `${plural}/:id`, lazy: async () => ({ Component: (await import('./pages')).detailPageFor(object) }) },
  { path: `${plural}/:id/edit`, lazy: async () => ({ Component: (await import('./pages')).editPageFor(object) }) },
];

export const feature: Feature = {
  id: 'records',
  routes: recordObjects.flatMap(({ object, plural }) => routesOf(object, plural)),
  nav: recordObjects.map(
    ({ object, plural, section }, index): NavItem => ({
      path: `/${plural}`,
      labelKey: `records:objects.${object}.many`,
      section,
      permission: `${object}.read`,
      order: 10 + index,
    }),
  ),
};
