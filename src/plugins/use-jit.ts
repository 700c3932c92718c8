import { useGraphQlJit } from '@envelop/graphql-jit';
import {
  type ExecutionArgs,
  type GraphQLInputType,
  type GraphQLSchema,
  getNamedType,
  getOperationAST,
  getVariableValues,
  isInputObjectType,
  type TypeNode,
} from 'graphql';
import type { Plugin } from 'graphql-yoga';

/** Input types from which a cycle can be reached (CustomerFilter's and/or/not). */
function cyclicInputs(schema: GraphQLSchema): Set<string> {
  const cyclic = new Set<string>();
  const done = new Set<string>();
  const visit = (type: GraphQLInputType, path: Set<string>): boolean => {
    const named = getNamedType(type);
    if (!isInputObjectType(named)) return false;
    if (path.has(named.name) || cyclic.has(named.name)) return true;
    if (done.has(named.name)) return false;
    path.add(named.name);
    let reaches = false;
    for (const field of Object.values(named.getFields())) if (visit(field.type, path)) reaches = true;
    path.delete(named.name);
    done.add(named.name);
    if (reaches) cyclic.add(named.name);
    return reaches;
  };
  for (const type of Object.values(schema.getTypeMap())) if (isInputObjectType(type)) visit(type, new Set());
  return cyclic;
}

function typeName(node: TypeNode): string {
  return node.kind === 'NamedType' ? node.name.value : typeName(node.type);
}

/**
 * Queries and mutations run compiled by graphql-jit (once per document, cached with it):
 * bench/read-path.ts measured graphql-js execution as the largest part of a list request.
 * graphql-js still runs what the JIT would get wrong: subscriptions (each event gets a fresh
 * context in use-shared-subscriptions.ts); operations with a variable of a recursive input type,
 * whose compilation never ends (graphql-jit#81); and requests whose variables do not coerce, so
 * their errors keep graphql-js' messages, locations and HTTP status.
 */
export function useJit(): Plugin {
  const cyclic = new WeakMap<GraphQLSchema, Set<string>>();
  const compiles = ({ schema, document, operationName, variableValues }: ExecutionArgs): boolean => {
    const operation = getOperationAST(document, operationName);
    if (operation == null || operation.operation === 'subscription') return false;
    let unsafe = cyclic.get(schema);
    if (unsafe === undefined) {
      unsafe = cyclicInputs(schema);
      cyclic.set(schema, unsafe);
    }
    const variables = operation.variableDefinitions ?? [];
    if (variables.some((v) => unsafe.has(typeName(v.type)))) return false;
    return getVariableValues(schema, variables, variableValues ?? {}).errors === undefined;
  };
  return useGraphQlJit({}, { enableIf: compiles }) as Plugin;
}
