// The full page's navigation: the scenarios grouped as the seed groups them (Threading,
// Multiprocessing, Asyncio, Concurrent Futures), then a section that names its own group (the
// learner's own program), then the lessons beyond the seed; deep links by `#id` (alone or
// with `?scenario=ID&param=…`); the section being read marked `aria-current` while scrolling.
// Wide screens show it as a sticky side column, narrow ones as a sticky one-line disclosure
// that names the current section.
import { el } from './dom.js';

export const BEYOND_SEED = 'Lessons beyond the seed';
const WIDE = '(min-width: 1100px)';

/** A section's group: the seed's, its own (`group`), or the lessons beyond the seed. */
const groupOf = (s) => (s.fromSeed ? s.seedSection.split(': ')[0] : (s.group ?? BEYOND_SEED));
/** Where a group goes: the seed's groups first, then groups of their own, the lessons last. */
const rankOf = (s) => (s.fromSeed ? 0 : s.group ? 1 : 2);

/** `[{ name, scenarios }]`: the groups in rank order, each rank's in order of first appearance. */
export function groupsOf(scenarios) {
  const groups = new Map();
  for (const s of scenarios) {
    const name = groupOf(s);
    if (!groups.has(name)) groups.set(name, { name, rank: rankOf(s), scenarios: [] });
    groups.get(name).scenarios.push(s);
  }
  return [...groups.values()]
    .sort((a, b) => a.rank - b.rank)
    .map(({ name, scenarios: members }) => ({ name, scenarios: members }));
}

/** The scenario id a URL points at: its `#id` if that is a scenario, else `?scenario=`. */
export function deepLinkTarget(scenarios, queryId, hash = location.hash) {
  let fromHash = '';
  try {
    fromHash = decodeURIComponent(hash.replace(/^#/, ''));
  } catch {
    /* a malformed hash */
  }
  const known = (id) => scenarios.some((s) => s.id === id);
  if (known(fromHash)) return fromHash;
  return known(queryId) ? queryId : null;
}

/**
 * The links, grouped: `{ groups, links }`, `groups` the elements of the groups in order and
 * `links` a Map from each scenario id to its link.
 */
function groupedLinks(scenarios) {
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
 */
function fitToScreen(nav, details) {
  const wide = matchMedia(WIDE);
  const fit = () => {
    details.open = wide.matches;
  };
  wide.addEventListener('change', fit);
  fit();
  nav.addEventListener('click', (e) => {
    if (e.target.closest('a') && !wide.matches) details.open = false;
  });
  details.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && details.open && !wide.matches) {
      details.open = false;
      details.querySelector('summary').focus();
    }
  });
}

/**
 * Calls `mark(id)` with the section being read: the first, in page order (`order`, the ids),
 * that crosses a thin band a third of the way down the viewport. Between sections (the band
 * in a gap) nothing is called: the last one stays marked.
 */
function followScrolling(order, sectionOf, mark) {
  const crossing = new Set();
  const observer = new IntersectionObserver(
    (entries) => {
      for (const entry of entries) {
        const id = entry.target.dataset.scenario;
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

  const sectionOf = (id) => main.querySelector(`section[data-scenario="${CSS.escape(id)}"]`);
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
   */
  const select = (id, { focus = true, scroll = true } = {}) => {
    const target = id && sectionOf(id);
    if (!target) return false;
    for (const s of main.querySelectorAll('section.selected')) if (s !== target) s.classList.remove('selected');
    target.classList.add('selected');
    mark(id);
    if (scroll) target.scrollIntoView({ block: 'start' });
    if (focus) target.querySelector('[data-action="run"], [data-action="edit-python"]')?.focus({ preventScroll: true });
    return true;
  };
  // A nav link or a typed `#id`: the browser scrolls there; the section is selected too.
  addEventListener('hashchange', () => {
    const id = deepLinkTarget(scenarios, null);
    if (id) select(id, { scroll: false });
  });
  return { select };
}
