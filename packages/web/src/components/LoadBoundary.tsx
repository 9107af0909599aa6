import { Alert, Button } from '@mantine/core';
import { Component, type ReactNode, Suspense } from 'react';
import { useTranslation } from 'react-i18next';
import { failureKeys } from '../app/load-with-retry';

interface Props {
  children: ReactNode;
  /** Shown while the code loads. */
  fallback: ReactNode;
  /** A cell or a button's place: a short line instead of a box when the code could not load. */
  inline?: boolean;
}

type Failure = { title: string; next: string };

/**
 * Where lazily loaded code (a panel, a chart, an action, a page) is shown: a spinner while it loads,
 * and, when it could not load after its retries or failed while drawing, a message in the person's
 * language saying which, with "Try again", instead of a blank screen (an uncaught error would unmount
 * the whole app).
 */
export class LoadBoundary extends Component<Props, { failed: Failure | null }> {
  override state: { failed: Failure | null } = { failed: null };

  static getDerivedStateFromError(error: unknown): { failed: Failure } {
    return { failed: failureKeys(error) };
  }

  override render() {
    if (this.state.failed) return <LoadFailed text={this.state.failed} inline={this.props.inline} onRetry={() => this.setState({ failed: null })} />;
    return <Suspense fallback={this.props.fallback}>{this.props.children}</Suspense>;
  }
}

function LoadFailed({ text, inline, onRetry }: { text: Failure; inline?: boolean; onRetry: () => void }) {
  const { t } = useTranslation();
  const retry = (
    <Button size="xs" variant="light" onClick={onRetry} data-testid="load-retry">
      {t('common:loadFailed.retry')}
    </Button>
  );
  if (inline) return retry;
  return (
    <Alert color="red" role="alert" title={t(text.title)} data-testid="load-failed">
      <div>{t(text.next)}</div>
      {retry}
    </Alert>
  );
}
