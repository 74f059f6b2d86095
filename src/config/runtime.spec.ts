import { NODE_MAJOR, unsupportedNode } from './runtime';

describe('unsupportedNode', () => {
  it('should accept the Node.js this suite runs on: the pinned major', () => {
    expect(Number(process.versions.node.split('.')[0])).toBe(NODE_MAJOR);
    expect(unsupportedNode()).toBeNull();
  });

  it('should refuse Node.js 20 and say how to get the supported one', () => {
    expect(unsupportedNode('20.20.2')).toBe(
      'Node.js 20.20.2 is not supported: Recovery Bridge runs on Node.js 24 LTS. Run it through npm ' +
        '(npm start, npm test, npm exec -- node ...), which uses the Node 24 that npm ci installs into ' +
        'node_modules/.bin, or install Node.js 24.',
    );
  });
});
