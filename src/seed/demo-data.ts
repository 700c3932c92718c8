import type { CreateCustomerInput } from '../services/customers.js';
import type { CreateProductInput } from '../services/products.js';

/** The chapter's customers (Dupont, Martin, Durand...), so GraphiQL has something to show. */
export const demoCustomers: CreateCustomerInput[] = [
  {
    lastName: 'Dupont',
    firstName: 'Jean',
    age: 30,
    email: 'jean.dupont@example.com',
    skills: ['Pascal', 'Python', 'JavaScript'],
    addresses: [
      { type: 'domicile', street: '123 Rue de la Paix', city: 'Paris', postalCode: '75001' },
      { type: 'travail', street: '456 Avenue des Champs', city: 'Paris', postalCode: '75008' },
    ],
  },
  {
    lastName: 'Martin',
    firstName: 'Marie',
    age: 25,
    email: 'marie.martin@example.com',
    skills: ['Python', 'SQL'],
    addresses: [{ type: 'domicile', street: '8 Quai Saint-Vincent', city: 'Lyon', postalCode: '69001' }],
  },
  {
    lastName: 'Durand',
    firstName: 'Pierre',
    age: 35,
    email: 'pierre.durand@example.com',
    skills: ['Pascal', 'Lazarus'],
    addresses: [
      { type: 'domicile', street: '12 Rue Paradis', city: 'Marseille', postalCode: '13001' },
      { type: 'travail', street: '3 Place Bellecour', city: 'Lyon', postalCode: '69002' },
    ],
  },
  {
    lastName: 'Bernard',
    firstName: 'Sophie',
    email: 'sophie.bernard@example.com',
    skills: ['JavaScript'],
    addresses: [
      { type: 'domicile', street: '5 Rue Sainte-Catherine', city: 'Bordeaux', postalCode: '33000' },
    ],
  },
];

export const demoProducts: CreateProductInput[] = [
  { name: 'Ordinateur', price: 899, stock: 10, tags: ['informatique'] },
  { name: 'Souris', price: 25, stock: 100, tags: ['informatique', 'accessoire'] },
  { name: 'Clavier', price: 125, stock: 50, tags: ['informatique', 'accessoire'] },
  { name: 'Tapis de souris', price: 50, stock: 200, tags: ['accessoire'] },
];
