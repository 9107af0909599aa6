import { Alert, Button } from '@mantine/core';
import { Component, type ReactNode, Suspense } from 'react';
import { useTranslation } from 'react-i18next';

interface Props {
  children: ReactNode;
  /** Shown while the code loads. */
  fallback: ReactNode;
  /** A cell or a button's place: a short line instead of a box when the code could not load. */
  inline?: boolean;
}

/**
 * Where lazily loaded code (a panel, a chart, an action, a page) is shown: a spinner while it loads,
 * and, when it could not load after its retries, a message in the person's language with "Try again"
 * instead of a blank screen (an uncaught load error would unmount the whole app).
 */
export class LoadBoundary extends Component<Props, { failed: boolean }> {
  override state = { failed: false };

  static getDerivedStateFromError(): { failed: boolean } {
    return { failed: true };
  }

  override render() {
    if (this.state.failed) return <LoadFailed inline={this.props.inline} onRetry={() => this.setState({ failed: false })} />;
    return <Suspense fallback={this.props.fallback}>{this.props.children}</Suspense>;
  }
}

function LoadFailed({ inline, onRetry }: { inline?: boolean; onRetry: () => void }) {
  const { t } = useTranslation();
  const retry = (
    <Button size="xs" variant="light" onClick={onRetry} data-testid="load-retry">
      {t('common:loadFailed.retry')}
    </Button>
  );
  if (inline) return retry;
  return (
    <Alert color="red" role="alert" title={t('common:loadFailed.title')} data-testid="load-failed">
      <div>{t('common:loadFailed.next')}</div>
      {retry}
    </Alert>
  );
}
