// The number as the popup shows it.

/** "+420 602 123 456" for an E.164 number (country code, then groups of three); others as given. */
export function formatNumber(number) {
  const compact = String(number).replace(/[\s\u00a0().\/-]/g, '');
  if (!/^\+[1-9]\d{6,14}$/.test(compact)) return String(number);
  const digits = compact.slice(1);
  const two = /^(2[07]|3[0-469]|4[013-9]|5[1-8]|6[0-6]|8[1246]|9[0-58])/;
  const ccLen = /^[17]/.test(digits) ? 1 : two.test(digits) ? 2 : 3;
  let rest = digits.slice(ccLen);
  const groups = [];
  while (rest.length > 4) { groups.push(rest.slice(0, 3)); rest = rest.slice(3); }
  if (rest) groups.push(rest);
  return '+' + digits.slice(0, ccLen) + ' ' + groups.join(' ');
}
