import { Anchor, Box, Container, Group, Paper, Stack, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { LanguageSwitch } from '../../components/LanguageSwitch';
import { useDocumentTitle } from '../../components/use-document-title';

/** The frame of the pages shown before (or instead of) the signed-in app: name, language switch, one card. */
export function AuthFrame({ title, intro, children, footer }: { title: string; intro?: ReactNode; children: ReactNode; footer?: ReactNode }) {
  useDocumentTitle(title);
  return (
    <Box component="main" mih="100vh" bg="gray.0" py="xl">
      <Container size={460}>
        <Group justify="space-between" mb="lg" wrap="nowrap">
          <Anchor component={Link} to="/" fw={700} size="xl" c="indigo.8" underline="never">
            Castellan
          </Anchor>
          <LanguageSwitch />
        </Group>
        <Paper withBorder shadow="sm" p="xl" radius="md">
          <Stack gap="md">
            <Title order={1} size="h2">
              {title}
            </Title>
            {intro ? <Text size="sm">{intro}</Text> : null}
            {children}
          </Stack>
        </Paper>
        {footer ? (
          <Stack mt="md" gap="xs" align="center">
            {footer}
          </Stack>
        ) : null}
      </Container>
    </Box>
  );
}
