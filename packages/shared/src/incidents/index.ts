export * from './incident-clocks.js';
export * from './incident-grade.js';
export * from './operator-kind.js';
