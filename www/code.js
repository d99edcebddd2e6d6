// @ts-check
// The seed's Python beside the Rust that ran, highlighted, with corresponding lines paired.
//
// A Rust line that ends in `// py: <python>` corresponds to the Python line containing
// <python>; hovering or focusing either lights up both. Highlighting is a small tokenizer:
// comments, strings, numbers and keywords, enough to read by, built as DOM text (no HTML).

/** @typedef {'python' | 'rust'} Language */

const KEYWORDS = {
  python: new Set(
    'and as async await def elif else for from if import in is lambda not or return with while global True False None'.split(
      ' ',
    ),
  ),
  rust: new Set(
    'as async await break const continue else enum false fn for if impl in let loop match mod move mut pub ref return self Self static struct super trait true type unsafe use where while dyn'.split(
      ' ',
    ),
  ),
};
const TOKEN = {
  python: /(#.*$)|(f?"(?:[^"\\]|\\.)*"|f?'(?:[^'\\]|\\.)*')|(\b\d[\d_]*(?:\*\*\d+)?\b)|([A-Za-z_]\w*)/g,
  rust: /(\/\/.*$)|("(?:[^"\\]|\\.)*")|(\b\d[\d_]*(?:\.\d+)?\b)|([A-Za-z_]\w*!?)/g,
};

/**
 * @param {string} text
 * @param {Language} language
 */
function highlightLine(text, language) {
  const frag = document.createDocumentFragment();
  let at = 0;
  for (const m of text.matchAll(TOKEN[language])) {
    if (m.index > at) frag.append(text.slice(at, m.index));
    const [whole, comment, string, number, word] = m;
    let cls = null;
    if (comment) cls = 'tok-comment';
    else if (string) cls = 'tok-string';
    else if (number) cls = 'tok-number';
    else if (word && KEYWORDS[language].has(word)) cls = 'tok-keyword';
    else if (word?.endsWith('!')) cls = 'tok-macro';
    if (cls) {
      const span = document.createElement('span');
      span.className = cls;
      span.textContent = whole;
      frag.append(span);
    } else frag.append(whole);
    at = m.index + whole.length;
  }
  if (at < text.length) frag.append(text.slice(at));
  return frag;
}

/**
 * The lines `[first, last]` of the ```python block quoted in the `//!` comment that opens a
 * Rust file (the Python the other column shows), or null.
 * @param {string[]} lines
 * @returns {[number, number] | null}
 */
export function quotedPython(lines) {
  let first = -1;
  for (let i = 0; i < lines.length && lines[i].startsWith('//!'); i++) {
    const text = lines[i].replace(/^\/\/! ?/, '').trim();
    if (first < 0 && text === '```python') first = i;
    else if (first >= 0 && text === '```') return [first, i];
  }
  return null;
}

let folds = 0;

/**
 * Lines `[first, last]` folded into one line, a button that shows them (click, Enter or Space)
 * and hides them again. They stay in the DOM, so pairing sees them.
 * @param {HTMLElement[]} lineEls
 * @param {[number, number]} lines
 */
function foldOf(lineEls, [first, last]) {
  const count = last - first + 1;
  const body = document.createElement('span');
  body.className = 'code-folded';
  body.id = `code-fold-${++folds}`;
  body.hidden = true;
  body.append(...lineEls.slice(first, last + 1));
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'code-fold';
  button.setAttribute('aria-expanded', 'false');
  button.setAttribute('aria-controls', body.id);
  const hint = document.createElement('span');
  hint.className = 'code-fold-hint';
  const label = () => {
    hint.textContent = `(quoted Python, ${count} lines: ${body.hidden ? 'show' : 'hide'})`;
  };
  button.append(highlightLine('//! ```python … ``` ', 'rust'), hint);
  label();
  button.addEventListener('click', () => {
    body.hidden = !body.hidden;
    button.setAttribute('aria-expanded', String(!body.hidden));
    label();
  });
  return [button, body];
}

/**
 * A `<pre>` of numbered, highlighted lines; returns it and its line elements. `fold(texts)`
 * may name lines `[first, last]` to show folded.
 * @param {string} source
 * @param {Language} language
 * @param {string} label
 * @param {(texts: string[]) => [number, number] | null} [fold]
 */
function codeBlock(source, language, label, fold = () => null) {
  const pre = document.createElement('pre');
  pre.className = `code-block lang-${language}`;
  pre.setAttribute('aria-label', label);
  const code = document.createElement('code');
  const texts = source.replace(/\n$/, '').split('\n');
  const lines = texts.map((text, i) => {
    const line = document.createElement('span');
    line.className = 'code-line';
    line.dataset.n = String(i + 1);
    line.append(highlightLine(text, language), '\n');
    return { el: line, text };
  });
  const els = lines.map((l) => l.el);
  const folded = fold(texts);
  if (folded) els.splice(folded[0], folded[1] - folded[0] + 1, ...foldOf(els, folded));
  code.append(...els);
  pre.append(code);
  return { pre, lines };
}

/**
 * Python and Rust side by side, paired by the `// py:` markers of the Rust (in the scenario's
 * file and the files it calls into). A Python line may pair with several Rust lines.
 * @param {string} python
 * @param {string} rust
 * @param {string[]} [moreRust]
 */
export function codePair(python, rust, moreRust = []) {
  const py = codeBlock(python, 'python', 'Python from the seed');
  const rs = codeBlock(rust, 'rust', "Rust: this scenario's source file", quotedPython);
  const extra = moreRust.map((src, i) => codeBlock(src, 'rust', `Rust it calls into, file ${i + 1}`, quotedPython));
  let pairs = 0;
  for (const r of [rs, ...extra].flatMap((block) => block.lines)) {
    const marker = /\/\/ py: (.+)$/.exec(r.text);
    const p = marker && py.lines.find((l) => l.text.includes(marker[1].trim()));
    if (!p) continue;
    const id = `pair-${++pairs}`;
    for (const el of [r.el, p.el]) {
      el.dataset.pairs = `${el.dataset.pairs ?? ''} ${id}`.trim();
      el.classList.add('paired');
      el.tabIndex = 0;
    }
  }
  const blocks = [py.pre, rs.pre, ...extra.map((b) => b.pre)];
  /**
   * The paired line an event is in, if any (its target may be no element: then none).
   * @param {Event} e
   * @returns {HTMLElement | null | undefined}
   */
  const pairedLine = (e) => /** @type {Partial<HTMLElement>} */ (e.target).closest?.('[data-pairs]');
  /**
   * @param {HTMLElement | null | undefined} line
   * @param {boolean} on
   */
  const light = (line, on) => {
    for (const id of line?.dataset.pairs?.split(' ') ?? []) {
      for (const pre of blocks) {
        const partners = /** @type {NodeListOf<HTMLElement>} */ (pre.querySelectorAll(`[data-pairs~="${id}"]`));
        for (const partner of partners) partner.classList.toggle('lit', on);
        // Bring the partner into view in the other column, which may be scrolled elsewhere.
        if (on && partners.length > 0 && !pre.contains(/** @type {HTMLElement} */ (line))) {
          pre.scrollTo({ top: partners[0].offsetTop - pre.clientHeight / 3, behavior: 'smooth' });
        }
      }
    }
  };
  for (const pre of blocks) {
    for (const type of ['pointerover', 'focusin']) pre.addEventListener(type, (e) => light(pairedLine(e), true));
    for (const type of ['pointerout', 'focusout']) pre.addEventListener(type, (e) => light(pairedLine(e), false));
  }
  return { python: py.pre, rust: rs.pre, extra: extra.map((b) => b.pre), pairs };
}
