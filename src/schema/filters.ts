import { builder } from './builder.js';

export const StringFilter = builder.inputType('StringFilter', {
  description: '`contains` and `startsWith` match the text literally, ignoring case.',
  fields: (t) => ({
    eq: t.string(),
    ne: t.string(),
    in: t.stringList(),
    contains: t.string(),
    startsWith: t.string(),
  }),
});

export const IntFilter = builder.inputType('IntFilter', {
  fields: (t) => ({
    eq: t.int(),
    ne: t.int(),
    gt: t.int(),
    gte: t.int(),
    lt: t.int(),
    lte: t.int(),
    in: t.intList(),
  }),
});

export const ListFilter = builder.inputType('ListFilter', {
  fields: (t) => ({
    has: t.string({ description: 'The list contains this value.' }),
    hasAll: t.stringList({ description: 'The list contains every one of these values.' }),
    hasSome: t.stringList({ description: 'The list contains at least one of these values.' }),
  }),
});

export const SortDirection = builder.enumType('SortDirection', { values: ['ASC', 'DESC'] as const });
