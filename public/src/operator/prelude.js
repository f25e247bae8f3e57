// The bundle's version, and its start on a page: nothing outside a browser, nothing on a
// second copy of the bundle, and `window.ucsOperator` (the page's config and callbacks, which the
// methods are added to) made if the page has none (docs/operator.md §1). The `return`s here
// leave the function the bundle is wrapped in (tools/build-operator.mjs).

var OPERATOR_VERSION = '4.0.0-callgate.1';
var PROTOCOL_VERSION = 1;

if (typeof window === 'undefined' || typeof document === 'undefined') return;
var w = window;
var doc = document;

// Idempotent: a second copy of this file on the same page does nothing.
if (w.__callgateOperatorLoaded) return;
var op = w.ucsOperator;
if (!op || (typeof op !== 'object' && typeof op !== 'function')) {
  op = {};
  w.ucsOperator = op;
}
w.__callgateOperatorLoaded = true;
