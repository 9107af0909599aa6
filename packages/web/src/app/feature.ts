import type { RouteObject } from 'react-router';

/** Where a navigation entry sits in the sidebar. */
export type NavSection = 'crm' | 'sales' | 'licensing' | 'subscribers' | 'service' | 'marketing' | 'data' | 'admin' | 'security' | 'me';

export interface NavItem {
  path: string;
  /** i18n key, `namespace:key`. */
  labelKey: string;
  section: NavSection;
  /** Shown only to holders of this permission (any of them, when a list): the API decides, /me says. */
  permission?: string | readonly string[];
  /** And every one of these too (a screen that reads several objects: the deals board needs deal stages). */
  allOf?: readonly string[];
  order?: number;
}

/** Whether a sidebar entry is for this person (what /me says they hold; the API still checks). */
export const navItemVisible = (item: NavItem, can: (permission?: string | readonly string[]) => boolean): boolean =>
  can(item.permission) && (item.allOf ?? []).every((permission) => can(permission));

/**
 * What a feature (src/features/<name>/feature.tsx) adds to the app: routes inside the signed-in
 * layout, public routes (sign-in, enrolment, reset), and its sidebar entries. The router finds
 * every feature by itself; pages load lazily (`lazy: () => import(...)`) so each route is its own
 * chunk.
 */
export interface Feature {
  id: string;
  routes?: RouteObject[];
  publicRoutes?: RouteObject[];
  nav?: NavItem[];
}
