import { Navigate, Route, Routes } from 'react-router';
import { AnnouncementsAdmin } from './AnnouncementsAdmin';
import { AuditAdmin } from './AuditAdmin';
import { CannedAdmin } from './CannedAdmin';
import { GroupsAdmin } from './GroupsAdmin';
import { IntegrationsAdmin } from './IntegrationsAdmin';
import { KbAdmin } from './KbAdmin';
import { SlaAdmin } from './SlaAdmin';
import { SsoAdmin } from './SsoAdmin';
import { UsersAdmin } from './UsersAdmin';

/** The admin area (a separate chunk, loaded when an admin opens it). */
export default function AdminRoutes() {
  return (
    <Routes>
      <Route path="users" element={<UsersAdmin />} />
      <Route path="groups" element={<GroupsAdmin />} />
      <Route path="sla" element={<SlaAdmin />} />
      <Route path="kb" element={<KbAdmin />} />
      <Route path="canned" element={<CannedAdmin />} />
      <Route path="announcements" element={<AnnouncementsAdmin />} />
      <Route path="integrations" element={<IntegrationsAdmin />} />
      <Route path="sso" element={<SsoAdmin />} />
      <Route path="audit" element={<AuditAdmin />} />
      <Route path="*" element={<Navigate to="users" replace />} />
    </Routes>
  );
}
