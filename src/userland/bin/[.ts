/** `[`: test(1) under its other name; the closing `]` is required. */
export { main } from './test.ts';
