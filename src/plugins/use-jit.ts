import { useGraphQlJit } from '@envelop/graphql-jit';
import {
  type DocumentNode,
  type ExecutionArgs,
  type GraphQLInputType,
  GraphQLScalarType,
  GraphQLSchema,
  getNamedType,
  getOperationAST,
  getVariableValues,
  isInputObjectType,
  Kind,
  type TypeNode,
} from 'graphql';
import { type CompiledQuery, compileQuery, isCompiledQuery } from 'graphql-jit';
import type { Plugin } from 'graphql-yoga';
import { usesIncrementalDelivery } from './use-incremental-delivery.js';

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
 * What a variable of a recursive input type becomes in the document graphql-jit compiles: a
 * value passed through as it is. graphql-js has validated the document and coerced the value
 * against the real type by then; the compiled query only hands it to the resolver.
 */
const OPAQUE = new GraphQLScalarType({
  name: 'DocgateJitOpaqueInput',
  description: 'A variable coerced by graphql-js before a compiled query runs (use-jit.ts).',
  parseValue: (value: unknown) => value,
  serialize: (value: unknown) => value,
});

/** The schema with OPAQUE added: the same types (and resolvers), one more scalar. */
function withOpaque(schema: GraphQLSchema): GraphQLSchema {
  const config = schema.toConfig();
  return new GraphQLSchema({ ...config, types: [...config.types, OPAQUE] });
}

function opaqueType(node: TypeNode, cyclic: ReadonlySet<string>): TypeNode {
  if (node.kind === Kind.NAMED_TYPE)
    return cyclic.has(node.name.value) ? { ...node, name: { ...node.name, value: OPAQUE.name } } : node;
  return { ...node, type: opaqueType(node.type, cyclic) } as TypeNode;
}

/** The document with each variable of a recursive input type declared as OPAQUE. */
function withOpaqueVariables(document: DocumentNode, cyclic: ReadonlySet<string>): DocumentNode {
  return {
    ...document,
    definitions: document.definitions.map((definition) =>
      definition.kind !== Kind.OPERATION_DEFINITION
        ? definition
        : {
            ...definition,
            variableDefinitions: definition.variableDefinitions?.map((variable) => ({
              ...variable,
              type: opaqueType(variable.type, cyclic),
            })),
          },
    ),
  };
}

/**
 * Queries and mutations run compiled by graphql-jit (once per document, cached with it):
 * bench/read-path.ts measured graphql-js execution as the largest part of a list request.
 * graphql-js still runs subscriptions (each event gets a fresh context in
 * use-shared-subscriptions.ts) and requests whose variables do not coerce, so their errors keep
 * graphql-js' messages, locations and HTTP status. An operation with a variable of a recursive
 * input type (CustomerFilter) would never finish compiling (graphql-jit#81): it is compiled with
 * that variable declared as an opaque scalar, and runs with the value graphql-js coerced.
 */
export function useJit(): Plugin {
  const cyclic = new WeakMap<GraphQLSchema, { types: Set<string>; schema: GraphQLSchema }>();
  const cyclicOf = (schema: GraphQLSchema) => {
    let found = cyclic.get(schema);
    if (found === undefined) {
      found = { types: cyclicInputs(schema), schema: withOpaque(schema) };
      cyclic.set(schema, found);
    }
    return found;
  };
  /** Operations with a recursive variable, compiled (null: graphql-jit refused it). */
  const opaque = new WeakMap<DocumentNode, CompiledQuery | null>();
  const recursive = (args: ExecutionArgs): boolean => {
    const operation = getOperationAST(args.document, args.operationName);
    const unsafe = cyclicOf(args.schema).types;
    return (operation?.variableDefinitions ?? []).some((v) => unsafe.has(typeName(v.type)));
  };
  const compiles = ({ schema, document, operationName, variableValues }: ExecutionArgs): boolean => {
    const operation = getOperationAST(document, operationName);
    if (operation == null || operation.operation === 'subscription') return false;
    // graphql-jit has no incremental delivery: @defer/@stream run on Yoga's executor.
    if (usesIncrementalDelivery(document)) return false;
    return (
      getVariableValues(schema, operation.variableDefinitions ?? [], variableValues ?? {}).errors ===
      undefined
    );
  };
  const compiledOpaque = (args: ExecutionArgs): CompiledQuery | null => {
    let compiled = opaque.get(args.document);
    if (compiled === undefined) {
      const { types, schema } = cyclicOf(args.schema);
      const result = compileQuery(
        schema,
        withOpaqueVariables(args.document, types),
        args.operationName ?? undefined,
      );
      compiled = isCompiledQuery(result) ? result : null;
      opaque.set(args.document, compiled);
    }
    return compiled;
  };
  // Yoga calls execute with one arguments object (graphql 16), never positionally.
  const executeOpaque = (args: ExecutionArgs): ReturnType<CompiledQuery['query']> => {
    const operation = getOperationAST(args.document, args.operationName);
    const variables = getVariableValues(
      args.schema,
      operation?.variableDefinitions ?? [],
      args.variableValues ?? {},
    );
    const compiled = compiledOpaque(args);
    if (compiled === null || variables.coerced === undefined) throw new Error('not compiled');
    return compiled.query(args.rootValue, args.contextValue, variables.coerced);
  };
  const jit = useGraphQlJit({}, { enableIf: (args) => !recursive(args) && compiles(args) }) as Plugin;
  return {
    onPluginInit({ addPlugin }) {
      addPlugin(jit);
      addPlugin({
        onExecute({ args, setExecuteFn }) {
          if (recursive(args) && compiles(args) && compiledOpaque(args) !== null) setExecuteFn(executeOpaque);
        },
      });
    },
  };
}
