/**
 * Who runs the installation, for the CAC reporting clock (an installation setting,
 * CASTELLAN_OPERATOR_KIND): a critical information infrastructure operator reports within 1 hour,
 * central and state organs within 2 hours, every other network operator within 4 hours.
 */
export const operatorKinds = ['cii', 'state_organ', 'other'] as const;
export type OperatorKind = (typeof operatorKinds)[number];

const hour = 3_600_000;

/** The CAC reporting window of an operator kind, in milliseconds. */
export const cacWindowMs: Readonly<Record<OperatorKind, number>> = { cii: 1 * hour, state_organ: 2 * hour, other: 4 * hour };
