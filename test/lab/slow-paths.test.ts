import { slowPathSuite } from './slow-path-suite.js';

slowPathSuite();
