// A section's Python mode: its Python in an editor (CodeMirror 6), to change and run for real
// on RustPython with real threads. The run is shown where the section shows its runs (status,
// lines, timeline, replay, trace): section.js starts it. Loaded at the first "Edit and run".
import { el } from '../dom.js';

let codemirror = null;
const loadEditor = () => (codemirror ??= import('../vendor/codemirror.js').catch((error) => {
  codemirror = null; // a later click tries again
  throw error;
}));

/**
 * Builds the panel into `host`: an editor holding `source`, Run, Stop, "Back to the cheat
 * sheet's version" (`original`; none for the learner's own program) and the interpreter's
 * download progress. `run(source)` and `stop()` are the section's. Returns `{ onEvent,
 * onLoading, focus }` for the run: a syntax error marks its line; the download fills the bar.
 */
export async function pythonPanel(host, { id, source, original, run, stop }) {
  const cm = await loadEditor();
  const status = el('p', { class: 'python-status', 'data-role': 'python-status', 'aria-live': 'polite' });
  const loading = el('progress', { 'data-role': 'python-loading', max: 1, value: 0, hidden: true,
    'aria-label': 'Downloading the Python interpreter' });
  // In a shadow root: CodeMirror then styles itself with a constructed style sheet, not a
  // <style> element, which the page's Content-Security-Policy (style-src 'self') refuses.
  const editorFrame = el('div', { class: 'python-editor', 'data-role': 'python-editor' });
  const shadow = editorFrame.attachShadow({ mode: 'open' });
  const editorHost = el('div');
  shadow.append(el('link', { rel: 'stylesheet', href: new URL('./editor.css', import.meta.url).href }), editorHost);
  const runButton = el('button', { type: 'button', class: 'run', 'data-action': 'run-python' }, 'Run this Python');
  const stopButton = el('button', { type: 'button', class: 'stop', 'data-action': 'stop-python' }, 'Stop');
  const back = original
    ? el('button', { type: 'button', class: 'secondary', 'data-action': 'python-original' }, 'Back to the cheat sheet\'s version')
    : null;
  host.replaceChildren(
    el('p', { class: 'python-about', id: `${id}-python-about`, text: 'Python, run for real: RustPython compiled to WebAssembly, each '
      + 'thread a real thread on a Web Worker of its own, so threads run in parallel (no GIL). Ctrl+Enter runs it.' }),
    editorFrame,
    el('div', { class: 'controls' }, runButton, stopButton, back, loading),
    status);

  const theme = new cm.Compartment();
  const dark = matchMedia('(prefers-color-scheme: dark)');
  const light = lightHighlighting(cm);
  const errorLine = errorLineField(cm);
  const view = new cm.EditorView({
    root: shadow,
    parent: editorHost,
    state: cm.EditorState.create({
      doc: source,
      extensions: [editorSetup(cm), cm.python(), errorLine.field, theme.of(dark.matches ? cm.oneDark : light),
        cm.EditorView.contentAttributes.of({ 'aria-label': 'Python program', 'aria-describedby': `${id}-python-about` }),
        // Before the default keymap's own Mod-Enter (a blank line).
        cm.Prec.highest(cm.keymap.of([{ key: 'Mod-Enter', run: () => { runButton.click(); return true; } }]))],
    }),
  });
  dark.addEventListener('change', () => view.dispatch({ effects: theme.reconfigure(dark.matches ? cm.oneDark : light) }));

  runButton.addEventListener('click', () => {
    view.dispatch({ effects: errorLine.clear.of(null) });
    status.textContent = '';
    run(view.state.doc.toString());
  });
  stopButton.addEventListener('click', () => stop());
  back?.addEventListener('click', () => {
    view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: original }, effects: errorLine.clear.of(null) });
    status.textContent = 'Back to the cheat sheet\'s version.';
  });

  return {
    focus: () => view.focus(),
    onLoading(loaded, total) {
      loading.hidden = loaded >= total && total > 0;
      loading.max = total || 1;
      loading.value = total ? loaded : 0;
      status.textContent = loading.hidden ? '' : `Downloading the Python interpreter: ${mb(loaded)} of ${total ? mb(total) : '?'} MB`;
    },
    onEvent(ev) {
      if (ev.kind !== 'syntax-error') return;
      const line = Math.min(Math.max(1, ev.line), view.state.doc.lines);
      view.dispatch({ effects: errorLine.mark.of(view.state.doc.line(line).from) });
      status.textContent = `SyntaxError on line ${line}: ${ev.text}`;
    },
  };
}

const mb = (bytes) => (bytes / 1e6).toFixed(1);

/**
 * CodeMirror's minimal setup (undo, selection, the default keymap) with line numbers, the
 * active line, bracket matching and Python's indentation. Not its basic setup: its completion
 * and search tooltips style themselves with a <style> element in the page, which the page's
 * Content-Security-Policy refuses. Tab is left to move focus out of the editor.
 */
function editorSetup(cm) {
  return [cm.minimalSetup, cm.lineNumbers(), cm.highlightActiveLine(), cm.highlightActiveLineGutter(), cm.bracketMatching(), cm.indentOnInput()];
}

/**
 * CodeMirror's default colours, but for its orange (#e40: f-strings, escapes), 3.8:1 on white:
 * WCAG AA wants 4.5:1. The red of other strings (#a11) instead.
 */
function lightHighlighting(cm) {
  const specs = cm.defaultHighlightStyle.specs.map((spec) => (spec.color === '#e40' ? { ...spec, color: '#a11' } : spec));
  return cm.syntaxHighlighting(cm.HighlightStyle.define(specs));
}

/** A state field that marks one line (a syntax error's) until the next run or edit of it. */
function errorLineField(cm) {
  const mark = cm.StateEffect.define();
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
