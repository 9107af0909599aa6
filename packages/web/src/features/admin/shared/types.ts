/** The shapes of the administration answers (docs/API.md: users, security, access-reviews, keys). */
export interface StaffUser {
  id: string;
  email?: string | null;
  name?: string | null;
  maskedFields: string[];
  teamId: string | null;
  managerId: string | null;
  status: string;
  roles: string[];
  mfaEnrolled: boolean;
  lastLoginAt: string | null;
  createdAt: string;
}

export interface Team {
  id: string;
  name: string;
  createdAt: string;
}

export interface Role {
  key: string;
  administrator: boolean;
  permissions: string[];
  scope: Record<string, string>;
  fields: Record<string, Record<string, string>>;
}

export interface Enrolment {
  mailed: boolean;
  expiresAt: string | null;
}

export interface Page<T> {
  items: T[];
  nextCursor?: string | null;
}
