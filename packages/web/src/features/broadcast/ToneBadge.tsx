import { Badge, type BadgeProps } from '@mantine/core';
import type { ReactNode } from 'react';

/**
 * A badge whose words carry the meaning and whose colour only helps: a tinted background with
 * near-black text, or (strong) a dark filled one with white text — both above 4.5:1 contrast.
 */
/** The words are never cut off (a badge in a narrow table cell wraps instead). */
const wrap = { root: { height: 'auto', minHeight: 20 }, label: { whiteSpace: 'normal', overflow: 'visible' } } as const;

export function ToneBadge({
  tone,
  strong = false,
  children,
  ...rest
}: { tone: string; strong?: boolean; children: ReactNode } & Omit<BadgeProps, 'color' | 'variant'> & Record<`data-${string}`, string>) {
  return strong ? (
    <Badge variant="filled" color={`${tone}.9`} tt="none" styles={wrap} {...rest}>
      {children}
    </Badge>
  ) : (
    <Badge variant="light" color={tone} c="dark.9" tt="none" styles={wrap} {...rest}>
      {children}
    </Badge>
  );
}
