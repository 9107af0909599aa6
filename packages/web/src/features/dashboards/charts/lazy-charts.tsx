import type { BarChartProps, LineChartProps } from '@mantine/charts';
import { lazyWithRetry } from '../../../app/lazy-with-retry';

/**
 * The chart components, loaded only when a chart is first drawn: recharts is the largest library of
 * the app, and the start page shows its dashboards as tables until the person switches to a chart.
 */
export const BarChart = lazyWithRetry<BarChartProps>(() => import('@mantine/charts').then((module) => ({ default: module.BarChart })));
export const LineChart = lazyWithRetry<LineChartProps>(() => import('@mantine/charts').then((module) => ({ default: module.LineChart })));
