import { lazy } from 'react';

/**
 * The chart components, loaded only when a chart is first drawn: recharts is the largest library of
 * the app, and the start page shows its dashboards as tables until the person switches to a chart.
 */
export const BarChart = lazy(() => import('@mantine/charts').then((module) => ({ default: module.BarChart })));
export const LineChart = lazy(() => import('@mantine/charts').then((module) => ({ default: module.LineChart })));
