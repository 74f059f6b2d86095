import { ipBucket } from './ip-bucket';

describe('ipBucket', () => {
  it('should keep an IPv4 address as its own bucket', () => {
    expect(ipBucket('203.0.113.9')).toBe('203.0.113.9');
  });

  it('should count an IPv4-mapped IPv6 address as the IPv4 one', () => {
    expect(ipBucket('::ffff:203.0.113.9')).toBe('203.0.113.9');
    expect(ipBucket('::FFFF:cb00:7109')).toBe('203.0.113.9');
    expect(ipBucket('0:0:0:0:0:ffff:203.0.113.9')).toBe('203.0.113.9');
  });

  it('should group IPv6 addresses by their /64 whatever their spelling', () => {
    const sut = [
      '2001:db8:1:2::1',
      '2001:db8:1:2:ffff:ffff:ffff:ffff',
      '2001:0DB8:0001:0002:0:0:0:9',
      '2001:db8:1:2:0:0:10.0.0.1',
      '2001:db8:1:2::77%eth0',
    ].map(ipBucket);
    expect(new Set(sut)).toEqual(new Set(['2001:db8:1:2::/64']));
  });

  it('should put neighbouring /64s in different buckets', () => {
    expect(ipBucket('2001:db8:1:3::1')).toBe('2001:db8:1:3::/64');
    expect(ipBucket('::1')).toBe('0:0:0:0::/64');
    expect(ipBucket('2001:db8::')).toBe('2001:db8:0:0::/64');
  });

  it('should leave anything that is no address as it is', () => {
    expect(ipBucket('unknown')).toBe('unknown');
  });
});
