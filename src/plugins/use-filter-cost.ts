import { costLimitRule } from '@escape.tech/graphql-armor-cost-limit';
import {
  type ArgumentNode,
  type DocumentNode,
  GraphQLError,
  type GraphQLInputType,
  type GraphQLSchema,
  getNamedType,
  getOperationAST,
  Kind,
  type OperationDefinitionNode,
  TypeInfo,
  ValidationContext,
  valueFromAST,
  visit,
  visitWithTypeInfo,
} from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { BadInputError } from '../errors.js';
import { filterTerms } from '../services/customer-filter.js';
import { COST_LIMIT, QUERY_LIMITS } from './use-hardening.js';

const FILTER_TYPE = 'CustomerFilter';

/** What an operation costs before its variables are known: its selection, and where filters go. */
interface OperationCost {
  selection: number;
  filters: Array<{ argument: ArgumentNode; type: GraphQLInputType }>;
}

/**
 * Each operation's selection cost by GraphQL Armor's own rule (its `onAccept` reports it), with
 * the options the armor validates with, and its `CustomerFilter` arguments: once per document.
 */
function measureDocument(
  schema: GraphQLSchema,
  document: DocumentNode,
): Map<OperationDefinitionNode, number> {
  const costs: number[] = [];
  const context = new ValidationContext(schema, document, new TypeInfo(schema), () => {});
  const rule = costLimitRule({
    ...COST_LIMIT,
    onAccept: [(_context, { n }) => costs.push(n)],
    // Validation has already accepted the document; a refusal here counts as over the limit.
    onReject: [() => costs.push(Number.POSITIVE_INFINITY)],
    propagateOnRejection: false,
  })(context);
  visit(document, rule);
  const operations = document.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION);
  return new Map(operations.map((operation, i) => [operation, costs[i] ?? Number.POSITIVE_INFINITY]));
}

function filterArguments(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
): OperationCost['filters'] {
  const found: OperationCost['filters'] = [];
  const typeInfo = new TypeInfo(schema);
  visit(
    operation,
    visitWithTypeInfo(typeInfo, {
      Argument(argument) {
        const type = typeInfo.getInputType();
        if (type !== null && type !== undefined && getNamedType(type).name === FILTER_TYPE)
          found.push({ argument, type });
      },
    }),
  );
  return found;
}

const measured = new WeakMap<DocumentNode, Map<OperationDefinitionNode, OperationCost>>();

function operationCost(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode) {
  let perOperation = measured.get(document);
  if (perOperation === undefined) {
    const selections = measureDocument(schema, document);
    perOperation = new Map(
      [...selections].map(([op, selection]) => [op, { selection, filters: filterArguments(schema, op) }]),
    );
    measured.set(document, perOperation);
  }
  return perOperation.get(operation);
}

function refusal(selection: number, terms: number) {
  // GraphQL Armor's own cost refusal carries no code (and HTTP 200): the contract's code for a
  // client's input, and the 400 the README promises for a query limit.
  const error = new BadInputError(
    `Query Cost limit of ${QUERY_LIMITS.cost} exceeded, found ${selection + terms} (the selection ${selection}, the filter's values ${terms}).`,
    'filter',
  );
  return {
    errors: [
      new GraphQLError(error.message, {
        extensions: { code: error.code, ...error.details, http: { status: 400 } },
      }),
    ],
  };
}

interface ExecuteArgs {
  schema: GraphQLSchema;
  document: DocumentNode;
  operationName?: string | null;
  variableValues?: Readonly<Record<string, unknown>> | null;
}

/** The operation's selection cost, and the values of its filters (one each) with its variables. */
function costWithFilters(args: ExecuteArgs): { selection: number; terms: number } {
  const operation = getOperationAST(args.document, args.operationName);
  const cost = operation == null ? undefined : operationCost(args.schema, args.document, operation);
  if (cost === undefined) return { selection: 0, terms: 0 };
  let terms = 0;
  for (const { argument, type } of cost.filters)
    terms += filterTerms(valueFromAST(argument.value, type, args.variableValues ?? {}));
  return { selection: cost.selection, terms };
}

/**
 * Counts a `CustomerFilter`'s values in the operation's cost (issue 10, point 3): the armor's cost
 * limit sees only the document, the filter comes in the variables, so the sum is checked at
 * execution, on every transport (HTTP, SSE, WebSocket).
 */
export function useFilterCost(): Plugin {
  const check = ({
    args,
    setResultAndStopExecution,
  }: {
    args: ExecuteArgs;
    setResultAndStopExecution: (result: ReturnType<typeof refusal>) => void;
  }) => {
    const { selection, terms } = costWithFilters(args);
    if (terms > 0 && selection + terms > QUERY_LIMITS.cost)
      setResultAndStopExecution(refusal(selection, terms));
  };
  return { onExecute: check, onSubscribe: check };
}
