// V8's JSON.parse messages quote the text around the error ("Unexpected token '…', "…" is not valid JSON"),
// which would copy tweet text, or characters SQS refuses (U+FFFF), into dead letters and logs. Only these
// descriptions are kept, word for word: V8's fixed texts, which never contain input. Anything else (an
// unexpected token, a message of a future V8) is described by its kind alone.
export const KNOWN_JSON_SYNTAX_DESCRIPTIONS: ReadonlySet<string> = new Set([
  "Unexpected end of JSON input",
  "Unexpected number",
  "Unexpected string",
  "Unexpected non-whitespace character after JSON",
  "Expected property name or '}'",
  "Expected ',' or '}' after property value",
  "Expected ',' or ']' after array element",
  "Expected ':' after property name",
  "Expected double-quoted property name",
  "Unterminated string",
  "Unterminated fractional number",
  "Bad control character in string literal",
  "Bad escaped character",
  "Bad Unicode escape",
  "No number after minus sign",
  "Exponent part is missing a number",
]);

export const UNKNOWN_JSON_SYNTAX_ERROR = "Unexpected token or invalid JSON text";

const POSITION = / in JSON at position (\d+)/;

/**
 * Describes why `JSON.parse` failed by kind and position only, never quoting the input:
 * `Expected property name or '}' at position 2 (of 10 characters)`.
 */
export function describeJsonSyntaxError(err: unknown, inputLength: number): string {
  const message = err instanceof Error ? err.message : "";
  const position = POSITION.exec(message);
  const description = position ? message.slice(0, position.index) : message;
  const known = KNOWN_JSON_SYNTAX_DESCRIPTIONS.has(description) ? description : UNKNOWN_JSON_SYNTAX_ERROR;
  const where = position ? ` at position ${position[1]}` : "";
  return `${known}${where} (of ${inputLength} characters)`;
}
