import { AddressGuard } from './address-guard';

describe('AddressGuard', () => {
  const sut = new AddressGuard(['10.20.0.0/16', '127.0.0.1']);

  it.each([
    '93.184.215.14',
    '2606:2800:21f:cb07:6820:80da:af6b:8b2c',
    '10.20.3.4',
    '127.0.0.1',
    '::ffff:127.0.0.1',
  ])('should allow %s (public, or listed)', (address) => {
    expect(sut.isAllowed(address)).toBe(true);
  });

  it.each([
    ['127.0.0.2', 'loopback not listed'],
    ['::1', 'IPv6 loopback'],
    ['10.0.0.1', 'private outside the listed /16'],
    ['192.168.1.1', 'private'],
    ['172.16.0.1', 'private'],
    ['169.254.169.254', 'cloud metadata (link-local)'],
    ['fd00:ec2::254', 'IPv6 metadata (unique local)'],
    ['fe80::1', 'IPv6 link-local'],
    ['100.64.0.1', 'carrier-grade NAT'],
    ['0.0.0.0', 'unspecified'],
    ['::ffff:169.254.169.254', 'IPv4-mapped metadata'],
    ['224.0.0.1', 'multicast'],
    ['not-an-ip', 'not an address'],
  ])('should refuse %s (%s)', (address) => {
    expect(sut.isAllowed(address)).toBe(false);
  });

  it('should refuse a name that resolves to a refused address, at lookup', (done) => {
    new AddressGuard([]).lookup('localhost', {}, (err) => {
      expect(err?.message).toMatch(/^address (127\.0\.0\.1|::1) is not allowed$/);
      done();
    });
  });

  it('should answer a name whose addresses are all allowed', (done) => {
    new AddressGuard(['127.0.0.0/8', '::1']).lookup('localhost', { all: true }, (err, list) => {
      expect(err).toBeNull();
      expect(Array.isArray(list) && list.length).toBeGreaterThan(0);
      done();
    });
  });
});
