/** `npm run docs:config`: prints the config reference for pasting into the README. */
import { renderConfigReference } from './reference.js';

process.stdout.write(renderConfigReference());
