import { createContext } from 'react';

/** Whether dashboards open as a chart or as a table (the start page opens tables: no chart code until asked). */
export const InitialDashboardView = createContext<'chart' | 'table'>('chart');
