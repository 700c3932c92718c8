// Each file adds its root fields to the builder when imported.
import './customers.js';
import './orders.js';
import './products.js';
