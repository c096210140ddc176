/** Says something to screen-reader users without moving focus (the page's polite live region). */
export function announce(message: string): void {
  const region = document.getElementById("announcer");
  if (!region) return;
  region.textContent = "";
  // A fresh text node after a tick, so the same message twice is announced twice.
  setTimeout(() => (region.textContent = message), 50);
}
