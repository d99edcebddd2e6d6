// What the stepping lessons' views share.

/**
 * Run was pressed from the keyboard and handed its focus to Stop (section.js): the first step
 * button takes it as soon as it exists, so the keys and Enter grant steps at once.
 * @param {HTMLElement} slot the view's slot, inside its section
 * @param {HTMLButtonElement[]} stepButtons
 */
export function focusFirstStep(slot, stepButtons) {
  const section = slot.closest('section[data-scenario]');
  const focused = document.activeElement;
  if (section && focused instanceof HTMLElement && focused.dataset.action === 'stop' && section.contains(focused)) {
    stepButtons.find((b) => !b.disabled)?.focus();
  }
}
