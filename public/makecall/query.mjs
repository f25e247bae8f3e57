// The popup's query (makecall.htm?destnumber=N…, docs/compatibility.md §2.1, §2.3).

/** The query's parameters, decoded as the gateway decodes them: `+` is a space, except a `+`
 *  that is the first raw character of `destnumber` (a hand-written international number). */
export function parseQuery(search) {
  const values = {};
  for (const part of search.replace(/^\?/, '').split('&')) {
    if (!part) continue;
    const eq = part.indexOf('=');
    const name = eq < 0 ? part : part.slice(0, eq);
    let raw = eq < 0 ? '' : part.slice(eq + 1);
    let plus = '';
    if (name === 'destnumber' && raw.startsWith('+')) { plus = '+'; raw = raw.slice(1); }
    try {
      values[decodeURIComponent(name.replace(/\+/g, ' '))] = plus + decodeURIComponent(raw.replace(/\+/g, ' '));
    } catch (error) {
      values[name] = null; // an undecodable escape: the gateway refuses the link with the reason
    }
  }
  return values;
}

