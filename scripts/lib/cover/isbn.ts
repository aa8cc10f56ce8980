/** The digits of an ISBN-13 as written (hyphens and spaces dropped). */
export function isbnDigits(isbn: string): string {
  return isbn.replace(/[-\s]/g, '');
}

/** The check digit an ISBN-13's first twelve digits call for (weights 1 and 3 alternating, modulo 10). */
export function isbnCheckDigit(first12: string): number {
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += Number(first12[i]) * (i % 2 === 0 ? 1 : 3);
  return (10 - (sum % 10)) % 10;
}

/** Why an ISBN-13 is not one (wrong length, wrong check digit), or undefined when it is. */
export function isbnProblem(isbn: string): string | undefined {
  const digits = isbnDigits(isbn);
  if (!/^97[89]\d{10}$/.test(digits)) return `an ISBN-13 is 13 digits starting 978 or 979; "${isbn}" has ${digits.replace(/\D/g, '').length}`;
  const want = isbnCheckDigit(digits.slice(0, 12));
  if (Number(digits[12]) !== want) return `the check digit of ${isbn} is ${digits[12]}; its first twelve digits call for ${want}`;
  return undefined;
}
