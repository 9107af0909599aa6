import { describeTour } from './quality-tour.helpers.js';

/** The ad-sales staff's tour: every screen their sidebar shows, in both languages at 1024×768. */
describeTour('tour of the app: ad-sales staff', ['sales_manager', 'sales_rep']);
