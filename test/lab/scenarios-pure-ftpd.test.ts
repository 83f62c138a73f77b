import { scenarioSuite } from './scenario-suite.js';

scenarioSuite('pure-ftpd');
