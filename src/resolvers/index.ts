// Each file adds its root fields to the builder when imported.
import './accounts.js';
import './customers.js';
import './jobs.js';
import './leaderboards.js';
import './orders.js';
import './presence.js';
import './products.js';
import './server-stats.js';
