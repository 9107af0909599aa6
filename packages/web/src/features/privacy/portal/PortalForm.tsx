import { Stack } from '@mantine/core';
import type { ReactNode } from 'react';

/** A portal form: submitting (button or Enter) runs `onSubmit` instead of loading a page; its fields stacked. */
export function PortalForm({ onSubmit, children }: { onSubmit: () => void; children: ReactNode }) {
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        onSubmit();
      }}
    >
      <Stack gap="sm">{children}</Stack>
    </form>
  );
}
