import { assertSupportedNode, NODE_MAJOR } from './runtime';

describe('assertSupportedNode', () => {
  it('should run this suite on the pinned Node.js major', () => {
    expect(Number(process.versions.node.split('.')[0])).toBe(NODE_MAJOR);
    expect(() => assertSupportedNode()).not.toThrow();
  });

  it('should refuse Node.js 20 and name the supported major', () => {
    expect(() => assertSupportedNode('20.20.2')).toThrow(
      /Node\.js 20\.20\.2 is not supported: Recovery Bridge runs on Node\.js 24 LTS/,
    );
  });
});
