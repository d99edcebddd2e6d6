// @ts-check
// A section's Python mode: its Python in an editor (CodeMirror 6), to change and run for real
// on RustPython with real threads. The run is shown where the section shows its runs (status,
// lines, timeline, replay, trace): section.js starts it. Loaded at the first "Edit and run".
import { el, linkField } from '../dom.js';

/**
 * What the editor takes from CodeMirror 6: www/vendor/codemirror.js is tools/editor-entry.mjs
 * bundled, typed here by the packages it re-exports (npm's, with their .d.ts).
 * @typedef {typeof import('../../tools/editor-entry.mjs')} CodeMirror
 * @typedef {import('@codemirror/view').EditorView} EditorView
 * @typedef {import('@codemirror/state').Extension} Extension
 * @typedef {import('@codemirror/state').StateEffectType<number>} MarkEffect
 * @typedef {import('@codemirror/state').StateEffectType<null>} ClearEffect
 * @typedef {{ edit: string, restore: string, restored: string }} PanelLabels
 * @typedef {ReturnType<typeof linkField>} LinkField
 * @typedef {(text: string, kind?: string) => void} Say
 * @typedef {{
 *   id: string, source: string, original: string, labels: PanelLabels, run: (source: string) => void,
 *   stop: () => void, linkTo: (source: string) => Promise<string>, stylesheet: string, cannotRun: string | null,
 * }} PanelOptions
 * @typedef {import('../protocol.js').PlaygroundEvent & { line?: number }} PanelEvent a run's event (a
 *   `syntax-error` has its `line`)
 */

/** @type {Promise<CodeMirror> | null} */
let codemirror = null;
// The bundle's own types (inferred from its minified code) are looser than the packages'.
const importEditor = () =>
  /** @type {Promise<CodeMirror>} */ (/** @type {unknown} */ (import('../vendor/codemirror.js')));
const loadEditor = () =>
  (codemirror ??= importEditor().catch((error) => {
    codemirror = null; // a later click tries again
    throw error;
  }));

const ABOUT =
  'Python, run for real: RustPython compiled to WebAssembly, each ' +
  'thread a real thread on a Web Worker of its own, so threads run in parallel (no GIL). Ctrl+Enter runs it. ' +
  "A process starts the way Python's spawn starts one: a fresh interpreter with its own memory imports main.py's " +
  "definitions and gets its arguments pickled, where Linux's fork would copy the running parent.";

/**
 * The panel's buttons, its status line, the download's progress bar and the link field.
 * @param {string} id
 * @param {PanelLabels} labels
 */
function panelControls(id, labels) {
  return {
    runButton: el('button', { type: 'button', class: 'run', 'data-action': 'run-python' }, 'Run this Python'),
    stopButton: el('button', { type: 'button', class: 'stop', 'data-action': 'stop-python', disabled: true }, 'Stop'),
    back: el('button', { type: 'button', class: 'secondary', 'data-action': 'python-original' }, labels.restore),
    share: el(
      'button',
      { type: 'button', class: 'secondary', 'data-action': 'share-python' },
      'Copy link to this program',
    ),
    status: el('p', { class: 'python-status', 'data-role': 'python-status', 'aria-live': 'polite' }),
    loading: el('progress', {
      'data-role': 'python-loading',
      max: 1,
      value: 0,
      hidden: true,
      'aria-label': 'Downloading the Python interpreter',
    }),
    link: linkField(`${id}-python-link`, 'Link to this program', 'python-link'),
  };
}

/**
 * The editor's frame: in a shadow root, CodeMirror styles itself with a constructed style
 * sheet, not a <style> element, which the page's Content-Security-Policy (style-src 'self')
 * refuses. Returns `{ node, shadow, parent }`: the editor goes in `parent`.
 * @param {string} stylesheet
 */
function editorFrame(stylesheet) {
  const node = el('div', { class: 'python-editor', 'data-role': 'python-editor' });
  const shadow = node.attachShadow({ mode: 'open' });
  const parent = el('div');
  shadow.append(el('link', { rel: 'stylesheet', href: stylesheet }), parent);
  return { node, shadow, parent };
}

/**
 * The editor, holding `source`: Python, the page's colour scheme and a phone's width followed,
 * a syntax error's line marked (`errorLine`), Ctrl+Enter (`Mod-Enter`) calling `onRunKey()`.
 * Returns `{ view, errorLine }`.
 * @param {CodeMirror} cm
 * @param {{ shadow: ShadowRoot, parent: HTMLElement }} frame
 * @param {{ id: string, source: string, onRunKey: () => void }} options
 */
function pythonEditor(cm, { shadow, parent }, { id, source, onRunKey }) {
  const adaptive = mediaExtensions(cm, [
    // The page's colour scheme.
    ['(prefers-color-scheme: dark)', darkHighlighting(cm), lightHighlighting(cm)],
    // A phone's width: long lines wrap rather than hide past the edge (the seed's comments
    // start at column 57).
    ['(max-width: 480px)', cm.EditorView.lineWrapping, []],
  ]);
  const errorLine = errorLineField(cm);
  const extensions = [
    editorSetup(cm),
    cm.python(),
    errorLine.field,
    adaptive.extensions,
    // tabindex: the content is focusable already (contenteditable), but said so, checkers
    // (axe) see that the editor's scrolling area, when a program is too long or too wide
    // for it, holds something the keyboard reaches.
    cm.EditorView.contentAttributes.of({
      'aria-label': 'Python program',
      'aria-describedby': `${id}-python-about`,
      tabindex: '0',
    }),
    // Before the default keymap's own Mod-Enter (a blank line).
    cm.Prec.highest(
      cm.keymap.of([
        {
          key: 'Mod-Enter',
          run: () => {
            onRunKey();
            return true;
          },
        },
      ]),
    ),
  ];
  const view = new cm.EditorView({ root: shadow, parent, state: cm.EditorState.create({ doc: source, extensions }) });
  adaptive.follow(view);
  return { view, errorLine };
}

/**
 * "Copy link to this program": offers a link to `program()` and says whether it was copied;
 * `say(text, kind)` is the panel's status line.
 * @param {LinkField} link
 * @param {(source: string) => Promise<string>} linkTo
 * @param {() => string} program
 * @param {Say} say
 */
async function shareProgram(link, linkTo, program, say) {
  link.hide();
  /** @type {string} */
  let href;
  try {
    href = await linkTo(program());
  } catch (error) {
    say(`The link could not be made: ${/** @type {Error} */ (error).message}`, 'error');
    return;
  }
  const size = `${Math.ceil(href.length / 1024)} KB`;
  if (await link.offer(href))
    say(`Link copied (${size}): whoever opens it gets this program in the editor, ready to run.`);
  else say(`The browser did not let the page copy the link (${size}): copy it from the field below.`, 'error');
}

/**
 * Builds the panel into `host`: an editor holding `source`, Run, Stop, a button that puts
 * `original` back (`labels.restore`, e.g. "Back to the cheat sheet's version"; `labels.restored`
 * says it is done), "Copy link to this program" and the interpreter's download progress.
 * `run(source)` and `stop()` are the section's; `linkTo(source)` resolves to a link that opens
 * the program (or rejects saying why not); `stylesheet` is editor.css's URL. Returns `{ onEvent,
 * onLoading, focus, replace }`: for the run, a syntax error marks its line and the download
 * fills the bar; `replace(source)` puts another program in the editor (a link's).
 * @param {HTMLElement} host
 * @param {PanelOptions} options
 */
export async function pythonPanel(host, { id, source, original, labels, run, stop, linkTo, stylesheet, cannotRun }) {
  const cm = await loadEditor();
  const { runButton, stopButton, back, share, status, loading, link } = panelControls(id, labels);
  /** @type {Say} */
  const say = (text, kind = 'ok') => {
    status.textContent = text;
    status.dataset.kind = kind;
  };
  const frame = editorFrame(stylesheet);
  host.replaceChildren(
    el('p', { class: 'python-about', id: `${id}-python-about`, text: ABOUT }),
    ...cannotRunNotice(id, runButton, cannotRun),
    frame.node,
    el('div', { class: 'controls' }, runButton, stopButton, back, share, loading),
    status,
    link.node,
  );
  const { view, errorLine } = pythonEditor(cm, frame, { id, source, onRunKey: () => runButton.click() });
  const program = () => view.state.doc.toString();
  const replace = (/** @type {string} */ text) =>
    view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text }, effects: errorLine.clear.of(null) });
  runButton.addEventListener('click', () => {
    view.dispatch({ effects: errorLine.clear.of(null) });
    say('');
    run(program());
  });
  stopButton.addEventListener('click', () => stop());
  back.addEventListener('click', () => {
    replace(original);
    say(labels.restored);
  });
  share.addEventListener('click', () => shareProgram(link, linkTo, program, say));

  return {
    focus: () => view.focus(),
    /**
     * A run of the section goes on (or not): Run is off meanwhile (a second press would only
     * queue another) and Stop on. A button that goes off hands its focus to the other.
     * @param {boolean} on
     */
    running(on) {
      const focused = document.activeElement;
      runButton.disabled = on || Boolean(cannotRun);
      stopButton.disabled = !on;
      if (on && focused === runButton) stopButton.focus();
      else if (!on && focused === stopButton && !runButton.disabled) runButton.focus();
    },
    /** @param {string} text */
    replace(text) {
      replace(text);
      link.hide();
      say('');
    },
    /** @param {number} loaded @param {number} total */
    onLoading(loaded, total) {
      loading.hidden = loaded >= total && total > 0;
      loading.max = total || 1;
      loading.value = total ? loaded : 0;
      say(loading.hidden ? '' : `Downloading the Python interpreter: ${mb(loaded)} of ${total ? mb(total) : '?'} MB`);
    },
    /** @param {PanelEvent} ev */
    onEvent(ev) {
      if (ev.kind !== 'syntax-error') return;
      const line = Math.min(Math.max(1, /** @type {number} */ (ev.line)), view.state.doc.lines);
      view.dispatch({ effects: errorLine.mark.of(view.state.doc.line(line).from) });
      say(`SyntaxError on line ${line}: ${ev.text}`, 'error');
    },
  };
}

const mb = (/** @type {number} */ bytes) => (bytes / 1e6).toFixed(1);

/**
 * CodeMirror's minimal setup (undo, selection, the default keymap) with line numbers, the
 * active line, bracket matching and Python's indentation. Not its basic setup: its completion
 * and search tooltips style themselves with a <style> element in the page, which the page's
 * Content-Security-Policy refuses. Tab is left to move focus out of the editor.
 * @param {CodeMirror} cm
 * @returns {Extension[]}
 */
function editorSetup(cm) {
  return [
    cm.minimalSetup,
    cm.lineNumbers(),
    cm.highlightActiveLine(),
    cm.highlightActiveLineGutter(),
    cm.bracketMatching(),
    cm.indentOnInput(),
  ];
}

/**
 * Extensions that follow media queries: for each `[query, on, off]`, `on` while the query
 * matches, else `off`. `follow(view)` keeps them in step once the view exists.
 * @param {CodeMirror} cm
 * @param {[query: string, on: Extension, off: Extension][]} choices
 */
function mediaExtensions(cm, choices) {
  const slots = choices.map(([query, on, off]) => ({
    query: matchMedia(query),
    on,
    off,
    compartment: new cm.Compartment(),
  }));
  const current = (/** @type {(typeof slots)[number]} */ slot) => (slot.query.matches ? slot.on : slot.off);
  return {
    extensions: slots.map((slot) => slot.compartment.of(current(slot))),
    /** @param {EditorView} view */
    follow(view) {
      for (const slot of slots) {
        slot.query.addEventListener('change', () =>
          view.dispatch({ effects: slot.compartment.reconfigure(current(slot)) }),
        );
      }
    },
  };
}

/**
 * CodeMirror's default colours, but for its orange (#e40: f-strings, escapes), 3.8:1 on white:
 * WCAG AA wants 4.5:1. The red of other strings (#a11) instead.
 * @param {CodeMirror} cm
 */
function lightHighlighting(cm) {
  const specs = cm.defaultHighlightStyle.specs.map((spec) =>
    spec.color === '#e40' ? { ...spec, color: '#a11' } : spec,
  );
  return cm.syntaxHighlighting(cm.HighlightStyle.define(specs));
}

/**
 * CodeMirror's One Dark, but for three of its colours, under 4.5:1 (WCAG AA) on its background
 * or its active line: a little lighter each (grey: comments and line numbers; coral: names;
 * violet: keywords), 4.7:1 or more.
 */
/** @type {Record<string, string>} */
const ONE_DARK_LIGHTER = { '#7d8799': '#9da5b4', '#e06c75': '#e47e86', '#c678dd': '#c980df' };
/** @param {CodeMirror} cm */
function darkHighlighting(cm) {
  const specs = cm.oneDarkHighlightStyle.specs.map((spec) =>
    ONE_DARK_LIGHTER[spec.color] ? { ...spec, color: ONE_DARK_LIGHTER[spec.color] } : spec,
  );
  const gutters = cm.EditorView.theme({ '.cm-gutters': { color: ONE_DARK_LIGHTER['#7d8799'] } }, { dark: true });
  return [cm.oneDarkTheme, cm.Prec.high(gutters), cm.syntaxHighlighting(cm.HighlightStyle.define(specs))];
}

/**
 * A state field that marks one line (a syntax error's) until the next run or edit of it.
 * @param {CodeMirror} cm
 */
function errorLineField(cm) {
  /** @type {MarkEffect} */
  const mark = cm.StateEffect.define(); // the line's start
  /** @type {ClearEffect} */
  const clear = cm.StateEffect.define();
  const decoration = cm.Decoration.line({ class: 'cm-python-error', attributes: { 'data-role': 'python-error-line' } });
  const field = cm.StateField.define({
    create: () => cm.Decoration.none,
    update(marks, tr) {
      let next = marks.map(tr.changes);
      for (const effect of tr.effects) {
        if (effect.is(clear)) next = cm.Decoration.none;
        if (effect.is(mark)) next = cm.Decoration.set([decoration.range(effect.value)]);
      }
      return next;
    },
    provide: (f) => cm.EditorView.decorations.from(f),
  });
  return { field, mark, clear };
}

/**
 * Where Python cannot run (no shared memory for its threads): one sentence saying why, which
 * describes Run, disabled (none elsewhere). The program can still be read, changed and shared.
 * @param {string} id
 * @param {HTMLButtonElement} runButton
 * @param {string | null} cannotRun
 */
function cannotRunNotice(id, runButton, cannotRun) {
  if (!cannotRun) return [];
  runButton.disabled = true;
  runButton.setAttribute('aria-describedby', `${id}-python-cannot-run`);
  return [
    el('p', {
      class: 'notice',
      role: 'note',
      id: `${id}-python-cannot-run`,
      'data-role': 'python-cannot-run',
      text: `Python's threads need memory they share, and ${cannotRun}.`,
    }),
  ];
}
