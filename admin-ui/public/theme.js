/* global document */
// Apply the theme saved by the console (light or dark) before React starts, to avoid a flash.
try {
  var theme = localStorage.getItem('deskmate:theme');
  if (theme === 'light' || theme === 'dark') document.documentElement.setAttribute('data-theme', theme);
} catch {
  // storage unavailable: follow the system
}
