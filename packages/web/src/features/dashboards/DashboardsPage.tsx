import { useTranslation } from 'react-i18next';
import { PageHeader } from '../../components/PageHeader';
import { DashboardGrid } from './DashboardGrid';

/** /dashboards: every dashboard the person may see. */
export function DashboardsPage() {
  const { t } = useTranslation();
  return (
    <>
      <PageHeader title={t('dashboards:title')} />
      <DashboardGrid />
    </>
  );
}
