// The click-to-call popup's pure parts (public/makecall/): the query decoded as the gateway
// decodes it, the number as shown, and the texts and their language.
import { test } from "node:test";
import assert from "node:assert/strict";
import { parseQuery } from "../../public/makecall/query.mjs";
import { formatNumber } from "../../public/makecall/number.mjs";
import { TEXTS, language, pickLanguage, setLanguage, t } from "../../public/makecall/texts.mjs";

test("the query: `+` is a space except a destnumber's first raw character", () => {
  assert.deepEqual(parseQuery("?destnumber=+420602123456&lang=de"), { destnumber: "+420602123456", lang: "de" });
  assert.deepEqual(parseQuery("?destnumber=602+123+456"), { destnumber: "602 123 456" });
  assert.deepEqual(parseQuery("?destnumber=%2B420+602"), { destnumber: "+420 602" });
  assert.deepEqual(parseQuery("user=a%40b.c&pass&&time=1"), { user: "a@b.c", pass: "", time: "1" });
  assert.deepEqual(parseQuery("?name=+x"), { name: " x" }, "only destnumber keeps a leading +");
});

test("an undecodable escape keeps the name with null (the gateway says why)", () => {
  assert.deepEqual(parseQuery("?destnumber=12%ZZ&lang=en"), { destnumber: null, lang: "en" });
});

test("E.164 numbers: the country code (1, 2 or 3 digits), then groups of three", () => {
  assert.equal(formatNumber("+420602123456"), "+420 602 123 456");
  assert.equal(formatNumber("+4930 1234-5678"), "+49 301 234 5678");
  assert.equal(formatNumber("+12125550100"), "+1 212 555 0100");
  assert.equal(formatNumber("+44 (20) 7946.0958"), "+44 207 946 0958");
});

test("other numbers are shown as given", () => {
  assert.equal(formatNumber("2001"), "2001");
  assert.equal(formatNumber("602 123 456"), "602 123 456");
  assert.equal(formatNumber("+0123456789"), "+0123456789", "no country code starts with 0");
  assert.equal(formatNumber("+1234567890123456"), "+1234567890123456", "longer than E.164's 15 digits");
});

test("the language: the link's lang, else the browser's first known one, else English", () => {
  assert.equal(pickLanguage("de", ["cs"]), "de");
  assert.equal(pickLanguage("CS-cz", []), "cs");
  assert.equal(pickLanguage("fr", ["fr-FR", "de_AT", "en"]), "de");
  assert.equal(pickLanguage(undefined, ["fr", "es"]), "en");
});

test("every language has every English text, with the same {placeholders}", () => {
  const placeholders = (text) => (text.match(/\{\w+\}/g) || []).sort();
  for (const [lang, texts] of Object.entries(TEXTS)) {
    assert.deepEqual(Object.keys(texts).sort(), Object.keys(TEXTS.en).sort(), lang);
    for (const key of Object.keys(TEXTS.en)) assert.deepEqual(placeholders(texts[key]), placeholders(TEXTS.en[key]), `${lang}.${key}`);
  }
});

test("t: the current language's text, placeholders filled, unknown ones and keys left as they are", () => {
  // node 20 has no navigator: a stand-in with the browser's languages, for setLanguage's fallback.
  globalThis.navigator = { languages: ["fr-FR", "cs"] };
  assert.equal(setLanguage("xx"), "cs", "the browser's languages when the link's is unknown");
  assert.equal(setLanguage("cs"), "cs");
  assert.equal(language(), "cs");
  assert.equal(t("sent", { digits: "12#" }), "Odeslané tóny: 12#");
  assert.equal(t("title"), "Volání {number}");
  assert.equal(t("noSuchKey"), "noSuchKey");
  setLanguage("de");
  assert.equal(t("linkUnavailable", { status: 503 }), "Der Telefonserver hat nicht geantwortet (503).");
  setLanguage("en");
  delete globalThis.navigator;
});
