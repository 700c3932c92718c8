import { Writable } from 'node:stream';
import { buildSchema, getVariableValues, parse, type VariableDefinitionNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { requestMessage, variableMessage } from '../../src/input-free-message.js';
import { createLogger } from '../../src/logger.js';

const schema = buildSchema(`
  enum Role { USER ADMIN }
  input Address { city: String! }
  input In { name: String!, age: Int, role: Role, addresses: [Address!] }
  type Query { q(input: In, n: Int): Int }
`);

/** What graphql-js says of these variables, as the mask rewrites it. */
function rewritten(variables: Record<string, unknown>) {
  const [operation] = parse('query ($input: In, $n: Int) { q(input: $input, n: $n) }').definitions;
  const definitions =
    operation?.kind === 'OperationDefinition'
      ? (operation.variableDefinitions ?? [])
      : ([] as VariableDefinitionNode[]);
  const { errors = [] } = getVariableValues(schema, definitions, variables);
  return errors.map((e) => variableMessage(e.message, e.originalError?.message));
}

const SECRET = 'hunter2 at "input.name"';

describe('messages without input values', () => {
  it('names an unknown field and its path, without the value or a suggestion', () => {
    expect(rewritten({ input: { name: SECRET, nam: SECRET } })).toEqual([
      {
        message: 'Variable "$input" is invalid: Field "nam" is not defined by type "In".',
        field: 'input.nam',
      },
    ]);
  });

  it('names the path into lists and the scalar that refused the value', () => {
    const [error] = rewritten({ input: { name: 'x', addresses: [{ city: 'a' }, { city: 987654 }] } });
    expect(error).toEqual({
      message:
        'Variable "$input" is invalid at "input.addresses[1].city": String cannot represent this value.',
      field: 'input.addresses.1.city',
    });
  });

  it('does not take a string value that looks like a path for the path', () => {
    const [error] = rewritten({ n: SECRET });
    expect(error?.message).toBe('Variable "$n" is invalid: Int cannot represent this value.');
  });

  it('keeps an enum name, not the value', () => {
    const [error] = rewritten({ input: { name: 'x', role: 'hunter2' } });
    expect(error?.message).toBe(
      'Variable "$input" is invalid at "input.role": Value does not exist in "Role" enum.',
    );
  });

  it('names a missing required field', () => {
    const [error] = rewritten({ input: { age: 3 } });
    expect(error).toEqual({
      message: 'Variable "$input" is invalid: Field "name" of required type "String!" was not provided.',
      field: 'input.name',
    });
  });

  it('keeps literal values and tokens of a query out of request errors', () => {
    expect(requestMessage('Expected value of type "Int", found "hunter2".')).toBe(
      'Expected value of type "Int".',
    );
    expect(requestMessage('String cannot represent a non string value: 123456')).toBe(
      'String cannot represent this value.',
    );
    expect(requestMessage('Syntax Error: Unexpected String "hunter2".')).toBe(
      'Syntax Error: Unexpected String.',
    );
    expect(requestMessage('Cannot query field "emial" on type "User". Did you mean "email"?')).toBe(
      'Cannot query field "emial" on type "User".',
    );
  });
});

describe('log redaction', () => {
  it('redacts passwords, tokens, emails and variables at any of the first three levels', () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    createLogger('info', sink).info(
      {
        password: 'p0-secret',
        input: { password: 'p1-secret', account: { email: 'ada@example.test' } },
        req: { headers: { authorization: 'Bearer t-secret', cookie: 'c-secret' } },
        variables: { anything: 'v-secret' },
        job: { payload: { to: 'bob@example.test' } },
      },
      'm',
    );
    expect(lines.join('')).not.toMatch(/secret|example\.test/);
  });
});
