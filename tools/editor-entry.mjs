// What the Python mode's editor takes from CodeMirror 6 (npm), bundled by tools/vendor.mjs
// into www/vendor/codemirror.js: the browser cannot resolve the packages' bare imports itself.
export { minimalSetup } from 'codemirror';
export {
  EditorView,
  Decoration,
  highlightActiveLine,
  highlightActiveLineGutter,
  keymap,
  lineNumbers,
} from '@codemirror/view';
export { EditorState, Compartment, Prec, StateEffect, StateField } from '@codemirror/state';
export { python } from '@codemirror/lang-python';
export { oneDarkHighlightStyle, oneDarkTheme } from '@codemirror/theme-one-dark';
export {
  HighlightStyle,
  bracketMatching,
  defaultHighlightStyle,
  indentOnInput,
  syntaxHighlighting,
} from '@codemirror/language';
