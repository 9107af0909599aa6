import { describeTour } from './quality-tour.helpers.js';

/**
 * The administrators' and the privacy officer's tour of every screen their sidebar shows (read from
 * the page, so new screens are toured by themselves), in both languages at 1024×768.
 */
describeTour('tour of the app: administrators and privacy officer', ['system_admin', 'security_admin', 'audit_admin', 'privacy_officer']);
