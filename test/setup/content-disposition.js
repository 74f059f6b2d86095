// Jest cannot require() an ES module, which @bull-board/fastify's @fastify/static 10 does with
// content-disposition 3 (Node 20.19+ can, so production is unaffected). Under Jest both that
// import ({ create }) and the top-level CJS one (a function) get content-disposition 0.5.4, whose
// function has the same contract as v3's create().
const contentDisposition = require('../../node_modules/content-disposition/index.js');

module.exports = Object.assign((filename, options) => contentDisposition(filename, options), {
  create: contentDisposition,
  parse: contentDisposition.parse,
});
