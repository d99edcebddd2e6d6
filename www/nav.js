// @ts-check
// The full page's navigation: the scenarios grouped as the seed groups them (Threading,
// Multiprocessing, Asyncio, Concurrent Futures), then a section that names its own group (the
// learner's own program), then the lessons beyond the seed; deep links by `#id` (alone or
// with `?scenario=ID&param=…`); the section being read marked `aria-current` while scrolling.
// Wide screens show it as a sticky side column, narrow ones as a sticky one-line disclosure
// that names the current section.
import { el } from './dom.js';

export const BEYOND_SEED = 'Lessons beyond the seed';
const WIDE = '(min-width: 1100px)';

/**
 * What the navigation reads of a section's description (a PageScenario: a scenario's, which
 * has `seedSection`, or the learner's own program's, which has `group`).
 * @typedef {{ id: string, title: string, fromSeed: boolean, seedSection?: string, group?: string }} NavScenario
 */

/**
 * A section's group: the seed's, its own (`group`), or the lessons beyond the seed.
 * @param {NavScenario} s
 */
const groupOf = (s) => (s.fromSeed ? /** @type {string} */ (s.seedSection).split(': ')[0] : (s.group ?? BEYOND_SEED));
/**
 * Where a group goes: the seed's groups first, then groups of their own, the lessons last.
 * @param {NavScenario} s
 */
const rankOf = (s) => (s.fromSeed ? 0 : s.group ? 1 : 2);

/**
 * `[{ name, scenarios }]`: the groups in rank order, each rank's in order of first appearance.
 * @template {NavScenario} S
 * @param {S[]} scenarios
 * @returns {{ name: string, scenarios: S[] }[]}
 */
export function groupsOf(scenarios) {
  /** @type {Map<string, { name: string, rank: number, scenarios: S[] }>} */
  const groups = new Map();
  for (const s of scenarios) {
    const name = groupOf(s);
    let group = groups.get(name);
    if (!group) {
      group = { name, rank: rankOf(s), scenarios: [] };
      groups.set(name, group);
    }
    group.scenarios.push(s);
  }
  return [...groups.values()]
    .sort((a, b) => a.rank - b.rank)
    .map(({ name, scenarios: members }) => ({ name, scenarios: members }));
}

/**
 * The scenario id a URL points at: its `#id` if that is a scenario, else `?scenario=`.
 * @param {NavScenario[]} scenarios
 * @param {string | null} queryId
 * @param {string} [hash]
 * @returns {string | null}
 */
export function deepLinkTarget(scenarios, queryId, hash = location.hash) {
  let fromHash = '';
  try {
    fromHash = decodeURIComponent(hash.replace(/^#/, ''));
  } catch {
    /* a malformed hash */
  }
  const known = (/** @type {string | null} */ id) => scenarios.some((s) => s.id === id);
  if (known(fromHash)) return fromHash;
  return known(queryId) ? queryId : null;
}

/**
 * The links, grouped: `{ groups, links }`, `groups` the elements of the groups in order and
 * `links` a Map from each scenario id to its link.
 * @param {NavScenario[]} scenarios
 */
function groupedLinks(scenarios) {
  /** @type {Map<string, HTMLAnchorElement>} */
  const links = new Map();
  const groups = groupsOf(scenarios).map((group, i) => {
    const label = el('p', { class: 'nav-group-name', id: `nav-group-${i}`, text: group.name });
    const list = el(
      'ul',
      { 'aria-labelledby': label.id },
      ...group.scenarios.map((s) => {
        const link = el('a', { href: `#${s.id}`, 'data-scenario-link': s.id, text: s.title });
        links.set(s.id, link);
        return el('li', {}, link);
      }),
    );
    return el('div', { class: 'nav-group', 'data-group': group.name }, label, list);
  });
  return { groups, links };
}

/**
 * Wide screens: the disclosure always open (its summary is hidden); narrow ones: closed until
 * asked for, and closed again by following a link or by Escape.
 * @param {HTMLElement} nav
 * @param {HTMLDetailsElement} details
 */
function fitToScreen(nav, details) {
  const wide = matchMedia(WIDE);
  const fit = () => {
    details.open = wide.matches;
  };
  wide.addEventListener('change', fit);
  fit();
  nav.addEventListener('click', (e) => {
    if (/** @type {Element} */ (e.target).closest('a') && !wide.matches) details.open = false;
  });
  details.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && details.open && !wide.matches) {
      details.open = false;
      /** @type {HTMLElement} */ (details.querySelector('summary')).focus();
    }
  });
}

/**
 * Calls `mark(id)` with the section being read: the first, in page order (`order`, the ids),
 * that crosses a thin band a third of the way down the viewport. Between sections (the band
 * in a gap) nothing is called: the last one stays marked.
 * @param {string[]} order
 * @param {(id: string) => HTMLElement | null} sectionOf
 * @param {(id: string) => void} mark
 */
function followScrolling(order, sectionOf, mark) {
  /** @type {Set<string | undefined>} */
  const crossing = new Set();
  const observer = new IntersectionObserver(
    (entries) => {
      for (const entry of entries) {
        const id = /** @type {HTMLElement} */ (entry.target).dataset.scenario;
        if (entry.isIntersecting) crossing.add(id);
        else crossing.delete(id);
      }
      const first = order.find((id) => crossing.has(id));
      if (first) mark(first);
    },
    { rootMargin: '-35% 0px -64% 0px' },
  );
  for (const id of order) {
    const section = sectionOf(id);
    if (section) observer.observe(section);
  }
}

/**
 * Fills `nav` (a `<nav aria-label="Scenarios">`) with links to the sections in `main`, and
 * keeps them in step with the URL and the scrolling. Returns `{ select(id, { focus }) }`.
 * @param {HTMLElement} nav
 * @param {HTMLElement} main
 * @param {NavScenario[]} scenarios
 */
export function scenarioNav(nav, main, scenarios) {
  const { groups, links } = groupedLinks(scenarios);
  const current = el('span', { class: 'nav-current', 'data-role': 'nav-current' });
  const details = el(
    'details',
    { class: 'nav-disclosure' },
    el('summary', {}, el('span', { class: 'nav-title', text: 'Scenarios' }), current),
    el('div', { class: 'nav-groups' }, ...groups),
  );
  nav.replaceChildren(details);
  fitToScreen(nav, details);

  /** @param {string} id */
  const sectionOf = (id) =>
    /** @type {HTMLElement | null} */ (main.querySelector(`section[data-scenario="${CSS.escape(id)}"]`));
  /** @param {string} id */
  const mark = (id) => {
    for (const [sid, link] of links) {
      if (sid === id) link.setAttribute('aria-current', 'true');
      else link.removeAttribute('aria-current');
    }
    const title = scenarios.find((s) => s.id === id)?.title;
    current.textContent = title ? `· ${title}` : '';
  };
  followScrolling(
    scenarios.map((s) => s.id),
    sectionOf,
    mark,
  );

  /**
   * Marks section `id` selected, scrolls to it and (optionally) focuses its Run button (the
   * learner's own program has none: its button that opens the editor).
   * @param {string | null} id
   * @param {{ focus?: boolean, scroll?: boolean }} [options]
   */
  const select = (id, { focus = true, scroll = true } = {}) => {
    const target = id && sectionOf(id);
    if (!target) return false;
    for (const s of main.querySelectorAll('section.selected')) if (s !== target) s.classList.remove('selected');
    target.classList.add('selected');
    mark(id);
    if (scroll) target.scrollIntoView({ block: 'start' });
    if (focus) {
      const button = /** @type {HTMLButtonElement | null} */ (
        target.querySelector('[data-action="run"], [data-action="edit-python"]')
      );
      button?.focus({ preventScroll: true });
    }
    return true;
  };
  // A nav link or a typed `#id`: the browser scrolls there; the section is selected too.
  addEventListener('hashchange', () => {
    const id = deepLinkTarget(scenarios, null);
    if (id) select(id, { scroll: false });
  });
  return { select };
}
