// The table of texts, one object per language (texts/en.js, texts/cs.js, texts/de.js).

var TEXTS = {};
