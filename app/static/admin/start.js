/* Starts the admin page once the shell and every tab script are loaded; a file, not an inline script, so the
 * page's Content-Security-Policy can refuse every inline script. */
window.LoyaltyAdmin.start();
