/**
 * graphql-js puts the values it refuses into its messages (`Variable "$input" got invalid value
 * { password: "…" }`, `String cannot represent a non string value: 123`) and suggests field names
 * (`Did you mean "password"?`). These functions rebuild such messages from what names the field
 * and the problem only, so that no password or personal data is echoed to a client or a log.
 * graphql-js has no option for it, hence the rewriting of its (stable since v15) message formats.
 */

const NAME = /^[_A-Za-z][_0-9A-Za-z]{0,63}$/;
const SUGGESTION = /\s*Did you mean .*$/s;

/** The problem part of a message about one value, without the value. */
function problemOf(message: string): { text: string; field?: string } {
  const m = message.replace(SUGGESTION, '');
  const unknown = /^Field "(.*)" is not defined by type "(\w+)"\.$/s.exec(m);
  if (unknown !== null) {
    const [, name = '', type = ''] = unknown;
    return NAME.test(name)
      ? { text: `Field "${name}" is not defined by type "${type}".`, field: name }
      : { text: `A field is not defined by type "${type}".` };
  }
  const missing = /^Field "(\w+)" of required type "([^"]+)" was not provided\.$/.exec(m);
  if (missing !== null) return { text: m, field: missing[1] ?? '' };
  if (/^Expected (non-nullable )?type "[^"]+" (to be an object|not to be null)\.$/.test(m))
    return { text: m };
  const enumValue = /^Value .* does not exist in "(\w+)" enum\.$/s.exec(m);
  if (enumValue !== null) return { text: `Value does not exist in "${enumValue[1]}" enum.` };
  const scalar = /^(Enum "\w+"|\w+) cannot represent /.exec(m);
  if (scalar !== null) return { text: `${scalar[1]} cannot represent this value.` };
  return { text: 'Invalid value.' };
}

/** `input.addresses[0]` as the contract's `extensions.field`: `input.addresses.0`. */
const fieldPath = (path: string) => path.replace(/\[(\d+)\]/g, '.$1');

export interface InputFreeMessage {
  message: string;
  /** The input field at fault, as `extensions.field` (`input.passwordConfirm`), when one is. */
  field?: string;
}

/**
 * A variable coercion error without the value: `Variable "$input" is invalid at "input.x": …`.
 * `inner` is the message of the error's cause (graphql-js' `originalError`), the part after the value.
 */
export function variableMessage(message: string, inner: string | undefined): InputFreeMessage {
  const head = /^Variable "\$(\w+)" got invalid value /.exec(message);
  if (head === null) return { message: message.replace(SUGGESTION, '') };
  const variable = head[1] ?? '';
  const withoutInner =
    inner !== undefined && message.endsWith(`; ${inner}`) ? message.slice(0, -inner.length - 2) : '';
  // The path follows the value; a value that is a string ends in an escaped quote, never in `"`.
  const at = new RegExp(` at "(${variable}(?:\\.[_A-Za-z][_0-9A-Za-z]*|\\[\\d+\\])*)"$`).exec(
    withoutInner,
  )?.[1];
  const problem = problemOf(inner ?? '');
  const base = fieldPath(at ?? variable);
  const field = problem.field === undefined ? base : `${base}.${problem.field}`;
  return {
    message: `Variable "$${variable}" is invalid${at === undefined ? '' : ` at "${at}"`}: ${problem.text}`,
    field,
  };
}

/**
 * A request error (syntax or validation) without the literal values of the query it quotes:
 * `Expected value of type "String!", found 123.` keeps its first part; a token is named by kind.
 */
export function requestMessage(message: string): string {
  const m = message.replace(SUGGESTION, '');
  const found = /^(Expected value of type "[^"]+"), found .*$/s.exec(m);
  if (found !== null) return `${found[1]}.`;
  const token =
    /^(Syntax Error: (?:Unexpected|Expected .*?, found) (?:Name|String|BlockString|Int|Float)) ".*$/s.exec(m);
  if (token !== null) return `${token[1]}.`;
  if (/^(Enum "\w+"|\w+) cannot represent |^Value .* does not exist in "\w+" enum\./s.test(m))
    return problemOf(m).text;
  return m;
}
