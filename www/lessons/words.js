// @ts-check
// How the lessons' questions and grades write numbers, for a learner: 100,000 not 100000.

/** @param {number | bigint | string} x */
export const n = (x) => Number(x).toLocaleString('en-US');

/** "1 update", "3 updates". @param {number | bigint} count @param {string} word */
export const plural = (count, word) => `${n(count)} ${word}${Number(count) === 1 ? '' : 's'}`;

/** "250 ms", "1.5 s". @param {number} ms */
export const duration = (ms) => (ms >= 1000 ? `${Number((ms / 1000).toFixed(2))} s` : `${Math.round(ms)} ms`);

/** "1.87×". @param {number} x */
export const times = (x) => `${x.toFixed(2)}×`;
