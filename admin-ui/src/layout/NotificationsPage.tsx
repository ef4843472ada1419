import { PageHeader } from '../ui/bits';
import { NotificationList } from './NotificationList';

export function NotificationsPage() {
  return (
    <div className="page page-narrow">
      <PageHeader title="Notifications" />
      <NotificationList />
    </div>
  );
}
